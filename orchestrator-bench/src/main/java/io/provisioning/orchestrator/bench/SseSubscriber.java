package io.provisioning.orchestrator.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One client of {@code GET /events}: reads the stream line by line on a virtual thread of its own
 * and notes every {@code task} event (task id, status, when it arrived) in its {@link StatusTrail},
 * until it has seen a terminal status for each of the tasks it waits for. Also checks that the
 * stream's event ids only go up (they are time-based, so they need not be consecutive).
 */
final class SseSubscriber implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();

    private final StatusTrail trail = new StatusTrail();
    private final CountDownLatch done = new CountDownLatch(1);
    private final int tasks;
    private final InputStream body;
    private Thread reader;
    private volatile long doneNanos;
    private volatile String failure;
    private long lastId;
    private volatile long idsNotIncreasing;

    /** Connects (returns once the response headers are in) without reading yet. */
    SseSubscriber(HttpClient client, URI events, int tasks) throws IOException, InterruptedException {
        this.tasks = tasks;
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(events)
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IllegalStateException("GET " + events.getPath() + " answered HTTP " + response.statusCode());
        }
        this.body = response.body();
    }

    SseSubscriber start(String name) {
        reader = Thread.ofVirtual().name(name).start(this::read);
        return this;
    }

    private void read() {
        SseParser parser = new SseParser();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = lines.readLine()) != null) {
                SseParser.Event event = parser.line(line);
                if (event == null) {
                    continue;
                }
                long now = System.nanoTime();
                noteId(event.id());
                if (!event.type().equals("task")) {
                    continue;
                }
                String[] idAndStatus = idAndStatus(event.data());
                if (trail.add(idAndStatus[0], idAndStatus[1], now) == tasks) {
                    doneNanos = now;
                    done.countDown();
                    return;
                }
            }
            failure = "the stream ended before every task finished";
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            failure = e.toString();
        } finally {
            done.countDown();
        }
    }

    private void noteId(String id) {
        if (id == null) {
            return;
        }
        long n = Long.parseLong(id);
        if (n <= lastId) {
            idsNotIncreasing++;
        }
        lastId = Math.max(lastId, n);
    }

    /** The top-level {@code id} and {@code status} of a task's JSON, nested objects skipped. */
    static String[] idAndStatus(String taskJson) {
        String id = null;
        String status = null;
        try (JsonParser parser = JSON.createParser(taskJson)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("task event data is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME && (id == null || status == null)) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("id") && value == JsonToken.VALUE_STRING) {
                    id = parser.getText();
                } else if (field.equals("status") && value == JsonToken.VALUE_STRING) {
                    status = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("task event data is not JSON: " + e.getMessage(), e);
        }
        if (id == null || status == null) {
            throw new IllegalArgumentException("task event data without id or status");
        }
        return new String[] {id, status};
    }

    /** Waits until this subscriber has every task's end, or the stream failed; false on timeout. */
    boolean await(long timeoutMillis) throws InterruptedException {
        return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    boolean complete() {
        return doneNanos != 0;
    }

    long doneNanos() {
        return doneNanos;
    }

    String failure() {
        return failure;
    }

    StatusTrail trail() {
        return trail;
    }

    long idsNotIncreasing() {
        return idsNotIncreasing;
    }


    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // going away anyway
        }
        if (reader != null) {
            reader.interrupt();
        }
    }
}
