package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.events.EventBuffer;
import io.provisioning.orchestrator.events.RecordedEvent;
import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskNotFoundException;
import io.provisioning.orchestrator.workflow.Printable;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events as the WHATWG EventSource expects them: {@code GET /events} (every task; ids
 * from {@code EventIds}, rising across restarts) and {@code GET /tasks/{id}/events} (one task, ids
 * from 1, ending after its terminal status). Both stream whatever the {@code Accept} header, unless
 * it names only types an event stream is not (406); both send a {@code retry:} hint, replay first
 * (from the start, or after the {@code Last-Event-ID}) and then follow live. A finished task's
 * stream asked again after its last event answers 204, which tells EventSource clients to stop.
 * Each reader's live buffer is bounded ({@link EventBuffer}): one too slow to keep up is dropped
 * with one log line and resumes with its last id; the others never wait for it. Event names are
 * {@code task} (data: the task), {@code progress} ({task_id, attempt, status, progress, updated_at})
 * and {@code log} ({task_id, attempt, stream, line}); on {@code /events} also {@code deleted}
 * ({task_id, status}) and, when a reader resumes after events that are no longer kept,
 * {@code gap} ({after, up_to, message}). A {@code Last-Event-ID} older than the events held in
 * memory is replayed from the all-tasks log on disk ({@link TaskEventStore#replayAll}).
 */
final class EventStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** How long an EventSource waits before it reconnects (the {@code retry:} hint). */
    static final long RETRY_MILLIS = 2_000;
    /** Bounds of one reader's live buffer. */
    static final int BUFFER_EVENTS = 10_000;
    static final long BUFFER_BYTES = 8L * 1024 * 1024;
    private final Orchestrator orchestrator;
    private final TaskEventStore store;
    private final int bufferEvents;
    private final long bufferBytes;
    /** The streams being followed now, each with the thread that writes it; ended by {@link #close}. */
    private final Map<SseClient, Thread> followers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    EventStreams(Orchestrator orchestrator, TaskEventStore store) {
        this(orchestrator, store, BUFFER_EVENTS, BUFFER_BYTES);
    }

    EventStreams(Orchestrator orchestrator, TaskEventStore store, int bufferEvents, long bufferBytes) {
        this.orchestrator = orchestrator;
        this.store = store;
        this.bufferEvents = bufferEvents;
        this.bufferBytes = bufferBytes;
    }

    void install(JavalinConfig config) {
        config.routes.get("/tasks/{id}/logs", ctx -> {
            Task task = task(ctx.pathParam("id"));
            Responses.ok(ctx, TaskLogView.read(store, task, LogPage.of(ctx::queryParam)));
        });
        config.routes.get("/events", ctx -> {
            if (!acceptsEventStream(ctx)) {
                return;
            }
            long after = lastEventId(ctx);
            open(ctx, client -> follow(client, after, store::replayAll, store::subscribeAll, RecordedEvent::globalId,
                    false, () -> false));
        });
        config.routes.get("/tasks/{id}/events", ctx -> {
            Task task = task(ctx.pathParam("id")); // an unknown task answers 404, not an error in a 200 stream
            if (!acceptsEventStream(ctx)) {
                return;
            }
            long after = lastEventId(ctx);
            String id = task.id();
            if (task.status().isTerminal() && store.lastId(id) <= after) {
                ctx.status(204); // seen to its end (or nothing to see): an EventSource stops reconnecting
                return;
            }
            open(ctx, client -> follow(client, after, (a, each) -> store.scan(id, a, each),
                    l -> store.subscribe(id, l), RecordedEvent::id, true,
                    () -> orchestrator.get(id).status().isTerminal()));
        });
    }

    private Task task(String id) {
        if (!TASK_ID.matcher(id).matches()) {
            throw new TaskNotFoundException(Printable.quote(id));
        }
        return orchestrator.get(id.toLowerCase());
    }

    /** True unless the Accept header names only types that an event stream is not (then 406 is answered). */
    private static boolean acceptsEventStream(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String range : accept.split(",")) {
            String type = range.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (type.isEmpty() || type.equals("*/*") || type.equals("text/*") || type.equals("text/event-stream")) {
                return true;
            }
        }
        Responses.error(ctx, 406, "this is a stream of Server-Sent Events (text/event-stream); send "
                + "'Accept: text/event-stream' or no Accept header");
        return false;
    }

    private static long lastEventId(Context ctx) {
        String header = ctx.header("Last-Event-ID");
        if (header == null) {
            header = ctx.queryParam("last_event_id");
        }
        try {
            return header == null ? 0 : Math.max(0, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Starts the event stream on this request, as Javalin's SSE handler does, with a {@code retry:} hint first. */
    private static void open(Context ctx, Consumer<SseClient> start) throws IOException {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setCharacterEncoding("UTF-8");
        res.setContentType("text/event-stream");
        res.addHeader("Cache-Control", "no-cache");
        res.addHeader("X-Accel-Buffering", "no");
        res.getOutputStream().write(("retry: " + RETRY_MILLIS + "\n\n").getBytes(StandardCharsets.UTF_8));
        res.flushBuffer();
        start.accept(new SseClient(ctx));
    }

    /** A replay: hands events after an id to a consumer, oldest first, until it returns false. */
    private interface Replay {
        void replay(long after, Predicate<RecordedEvent> each);
    }

    private void follow(SseClient client, long after, Replay replay,
            Function<Consumer<RecordedEvent>, AutoCloseable> subscribe, ToLongFunction<RecordedEvent> idOf,
            boolean endAtTerminal, BooleanSupplier alreadyOver) {
        EventBuffer live = new EventBuffer(bufferEvents, bufferBytes);
        AtomicLong lastSent = new AtomicLong(after);
        String who = client.ctx().ip() + " " + client.ctx().path();
        AtomicReference<AutoCloseable> subscription = new AtomicReference<>();
        AtomicBoolean dropped = new AtomicBoolean();
        // before the replay, so nothing falls in between; offering never blocks the publisher
        subscription.set(subscribe.apply(event -> {
            if (!live.offer(event) && dropped.compareAndSet(false, true)) {
                AutoCloseable s = subscription.getAndSet(null);
                if (s != null) {
                    closeQuietly(s);
                }
            }
        }));
        AutoCloseable unsubscribe = () -> {
            AutoCloseable s = subscription.getAndSet(null);
            if (s != null) {
                s.close();
            }
        };
        client.keepAlive();
        client.onClose(() -> closeQuietly(unsubscribe));
        Thread follower = Thread.ofVirtual().name("sse").unstarted(() -> {
            try {
                RecordedEvent[] lastEvent = {null};
                replay.replay(after, event -> {
                    send(client, event, idOf);
                    lastSent.set(idOf.applyAsLong(event));
                    lastEvent[0] = event;
                    return !client.terminated() && !live.overflowed();
                });
                live.dropUpTo(lastSent.get(), idOf);
                // an earlier attempt's end is not the end when the task was retried after it
                if (endAtTerminal && lastEvent[0] != null && lastEvent[0].isTerminal() && live.isEmpty()
                        && alreadyOver.getAsBoolean()) {
                    return;
                }
                while (!client.terminated()) {
                    RecordedEvent event = live.poll(KEEP_ALIVE.toMillis());
                    if (live.overflowed()) {
                        return;
                    }
                    if (event == null) {
                        client.sendComment("keep-alive");
                        continue;
                    }
                    if (idOf.applyAsLong(event) <= lastSent.get()) {
                        continue;
                    }
                    send(client, event, idOf);
                    lastSent.set(idOf.applyAsLong(event));
                    if (endAtTerminal && event.isTerminal()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the client went away mid-write
            } finally {
                if (dropped.get()) {
                    LOG.warn("SSE reader {} too slow (over {} events or {} bytes waiting): dropped; it can resume "
                            + "with Last-Event-ID {}", who, bufferEvents, bufferBytes, lastSent.get());
                }
                followers.remove(client);
                closeQuietly(unsubscribe);
                client.close();
            }
        });
        followers.put(client, follower);
        if (closed) { // the server is stopping: end at once rather than follow a store that is going away
            followers.remove(client);
            closeQuietly(unsubscribe);
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
        client.sendEvent(event.type(), event.json(), Long.toString(idOf.applyAsLong(event)));
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
