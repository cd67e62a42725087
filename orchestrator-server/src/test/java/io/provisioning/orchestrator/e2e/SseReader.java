package io.provisioning.orchestrator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Reads a Server-Sent-Events stream the way a browser's EventSource would, in the background. */
final class SseReader implements AutoCloseable {
    record Event(String id, String name, JsonNode data) {}

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean ended;
    private volatile Stream<String> lines;

    SseReader(String url, String lastEventId) {
        this(url, lastEventId, null);
    }

    /** {@code bearerToken}: sent as {@code Authorization: Bearer ...} when not null. */
    SseReader(String url, String lastEventId, String bearerToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        thread = Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<Stream<String>> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines());
                lines = response.body();
                String id = null;
                String name = "message";
                StringBuilder data = new StringBuilder();
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (!data.isEmpty()) {
                            events.add(new Event(id, name, Json.mapper().readTree(data.toString())));
                        }
                        id = null;
                        name = "message";
                        data.setLength(0);
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).strip();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).strip());
                    }
                }
            } catch (Exception e) {
                // closed
            } finally {
                ended = true;
            }
        });
    }

    boolean ended() {
        return ended;
    }

    List<Event> named(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    @Override
    public void close() {
        if (lines != null) {
            lines.close();
        }
        thread.interrupt();
    }

    static Duration patience() {
        return Duration.ofSeconds(60);
    }
}
