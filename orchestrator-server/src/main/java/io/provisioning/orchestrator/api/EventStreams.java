package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.sse.SseClient;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.events.RecordedEvent;
import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskNotFoundException;
import io.provisioning.orchestrator.workflow.Printable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Server-Sent Events: {@code GET /events} (every task) and {@code GET /tasks/{id}/events} (one
 * task, ending after its terminal status). Both replay first — from the start, or after the
 * {@code Last-Event-ID} the client sends — and then follow live. Event names are {@code task}
 * (data: the task) and {@code log} (data: task_id, attempt, stream, line).
 */
final class EventStreams implements AutoCloseable {
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private final Orchestrator orchestrator;
    private final TaskEventStore store;
    /** The streams being followed now, each with the thread that writes it; ended by {@link #close}. */
    private final Map<SseClient, Thread> followers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    EventStreams(Orchestrator orchestrator, TaskEventStore store) {
        this.orchestrator = orchestrator;
        this.store = store;
    }

    void install(JavalinConfig config) {
        // an unknown task answers 404 before the stream starts, not an error event in a 200 stream
        config.routes.before("/tasks/{id}/events", ctx -> task(ctx.pathParam("id")));
        config.routes.get("/tasks/{id}/logs", ctx -> Responses.ok(ctx, TaskLogView.of(task(ctx.pathParam("id")),
                store.read(task(ctx.pathParam("id")).id(), 0))));
        config.routes.sse("/events", client -> {
            long after = lastEventId(client);
            follow(client, after, store::recent, store::subscribeAll, RecordedEvent::globalId, false, null);
        });
        config.routes.sse("/tasks/{id}/events", client -> {
            Task task;
            try {
                task = task(client.ctx().pathParam("id"));
            } catch (TaskNotFoundException e) {
                client.sendEvent("error", "{\"error\":\"" + e.getMessage().replace("\"", "'") + "\"}");
                client.close();
                return;
            }
            long after = lastEventId(client);
            String id = task.id();
            follow(client, after, a -> store.read(id, a), l -> store.subscribe(id, l), RecordedEvent::id, true,
                    () -> orchestrator.get(id).status().isTerminal());
        });
    }

    private Task task(String id) {
        if (!TASK_ID.matcher(id).matches()) {
            throw new TaskNotFoundException(Printable.quote(id));
        }
        return orchestrator.get(id.toLowerCase());
    }

    private static long lastEventId(SseClient client) {
        String header = client.ctx().header("Last-Event-ID");
        if (header == null) {
            header = client.ctx().queryParam("last_event_id");
        }
        try {
            return header == null ? 0 : Math.max(0, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void follow(SseClient client, long after, Function<Long, List<RecordedEvent>> replay,
            Function<Consumer<RecordedEvent>, AutoCloseable> subscribe, ToLongFunction<RecordedEvent> idOf,
            boolean endAtTerminal, java.util.function.BooleanSupplier alreadyOver) {
        BlockingQueue<RecordedEvent> live = new LinkedBlockingQueue<>();
        AutoCloseable subscription = subscribe.apply(live::add); // before the replay, so nothing falls in between
        client.keepAlive();
        client.onClose(() -> closeQuietly(subscription));
        Thread follower = Thread.ofVirtual().name("sse").unstarted(() -> {
            long last = after;
            try {
                List<RecordedEvent> history = replay.apply(after);
                for (int i = 0; i < history.size(); i++) {
                    RecordedEvent event = history.get(i);
                    send(client, event, idOf);
                    last = idOf.applyAsLong(event);
                    // an earlier attempt's end is not the end when the task was retried after it
                    if (endAtTerminal && event.isTerminal() && i == history.size() - 1 && live.isEmpty()
                            && alreadyOver != null && alreadyOver.getAsBoolean()) {
                        return;
                    }
                }
                if (endAtTerminal && alreadyOver != null && alreadyOver.getAsBoolean() && live.isEmpty()) {
                    return;
                }
                while (!client.terminated()) {
                    RecordedEvent event = live.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
                    if (event == null) {
                        client.sendComment("keep-alive");
                        continue;
                    }
                    if (idOf.applyAsLong(event) <= last) {
                        continue;
                    }
                    send(client, event, idOf);
                    last = idOf.applyAsLong(event);
                    if (endAtTerminal && event.isTerminal()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the client went away mid-write
            } finally {
                followers.remove(client);
                closeQuietly(subscription);
                client.close();
            }
        });
        followers.put(client, follower);
        if (closed) { // the server is stopping: end at once rather than follow a store that is going away
            followers.remove(client);
            closeQuietly(subscription);
            client.close();
            return;
        }
        follower.start();
    }

    /**
     * Ends every stream while the HTTP server still runs. A follower left to find out on its own
     * would next write (a keep-alive, up to 15 s later) into a request the stopped server has
     * recycled, and Javalin then loops on the error, logging warnings without end.
     */
    @Override
    public void close() {
        closed = true;
        for (Map.Entry<SseClient, Thread> follower : followers.entrySet()) {
            follower.getKey().close();
            follower.getValue().interrupt();
        }
        followers.clear();
    }

    private static void send(SseClient client, RecordedEvent event, ToLongFunction<RecordedEvent> idOf) {
        client.sendEvent(event.type(), event.data().toString(), Long.toString(idOf.applyAsLong(event)));
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
