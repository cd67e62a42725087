package io.provisioning.orchestrator.storage.surrealdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SurrealDB's WebSocket JSON-RPC ({@code {id, method, params}} → {@code {id, result}} or
 * {@code {id, error}}; live notifications carry no id), on java.net.http and Jackson.
 *
 * <p>Requests may be sent from many threads at once; each waits for its own answer up to the
 * request timeout. When the connection drops, requests in flight fail with
 * {@link SurrealUnavailableException}, new ones fail at once, and a background loop reconnects
 * with growing pauses, signs in again, selects the namespace and database, and restarts the live
 * queries. A heartbeat {@code ping} finds a connection that hangs without closing.
 */
public final class SurrealClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SurrealClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A ping every second, so a server that hangs with its sockets open (SIGSTOP, a frozen VM) is noticed in seconds. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(4);

    private final SurrealOptions options;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, LiveQuery> liveById = new ConcurrentHashMap<>();
    private final List<LiveQuery> liveQueries = new CopyOnWriteArrayList<>();
    private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    /** One thread, so one live query's notifications reach its listener in the order they arrived. */
    private final ExecutorService notifications = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("surrealdb-live").factory());
    private final Object reconnectLock = new Object();
    private volatile RpcSocket socket;
    private volatile boolean closed;
    private volatile Throwable lastFailure;
    private Thread reconnector;
    private final Thread heartbeat;

    private SurrealClient(SurrealOptions options) {
        this.options = options;
        this.heartbeat = Thread.ofVirtual().name("surrealdb-heartbeat").unstarted(this::heartbeatLoop);
    }

    /** Connects, signs in and selects the namespace and database; throws if SurrealDB cannot be reached now. */
    public static SurrealClient connect(SurrealOptions options) {
        SurrealClient client = new SurrealClient(options);
        client.socket = client.handshake();
        client.heartbeat.start();
        return client;
    }

    public SurrealOptions options() {
        return options;
    }

    public boolean isConnected() {
        RpcSocket current = socket;
        return current != null && current.isOpen() && !closed;
    }

    /** Why the connection is down, if it is. */
    public String lastFailure() {
        Throwable failure = lastFailure;
        return failure == null ? "not connected" : RpcSocket.describe(failure);
    }

    public void addConnectionListener(ConnectionListener listener) {
        connectionListeners.add(listener);
    }

    // ---- requests -------------------------------------------------------------------

    /** Runs SurrealQL with variables; one entry per statement, failed statements included (see {@link QueryResult#orThrow()}). */
    public QueryResult query(String sql, Map<String, ?> vars) {
        return query(sql, vars, options.requestTimeout());
    }

    public QueryResult query(String sql, Map<String, ?> vars, Duration timeout) {
        ArrayNode params = JSON.createArrayNode();
        params.add(sql);
        params.add(JSON.valueToTree(vars == null ? Map.of() : vars));
        JsonNode result = call("query", params, timeout);
        List<StatementResult> statements = new ArrayList<>(result.size());
        for (int i = 0; i < result.size(); i++) {
            statements.add(StatementResult.of(i, result.get(i)));
        }
        return new QueryResult(statements);
    }

    /** Starts a live query on {@code table}; its notifications go to {@code listener}, on one thread, until it is closed. */
    public LiveQuery live(String table, Consumer<LiveNotification> listener) {
        return startLive(new LiveQuery(this, table, null, null, listener));
    }

    /**
     * Starts a live query given as SurrealQL ({@code LIVE SELECT fields FROM table WHERE ...}, with
     * variables): the server filters and trims what it sends. Kept across reconnects like {@link #live}.
     */
    public LiveQuery liveSelect(String sql, Map<String, ?> vars, Consumer<LiveNotification> listener) {
        return startLive(new LiveQuery(this, null, sql, vars, listener));
    }

    private LiveQuery startLive(LiveQuery query) {
        start(query, socket);
        liveQueries.add(query);
        return query;
    }

    void kill(LiveQuery query) {
        liveQueries.remove(query);
        String id = query.id();
        if (id != null) {
            liveById.remove(id);
            if (isConnected()) {
                try {
                    call("kill", JSON.createArrayNode().add(id), options.requestTimeout());
                } catch (SurrealException e) {
                    LOG.debug("kill of live query {} failed: {}", id, e.getMessage());
                }
            }
        }
    }

    public String version() {
        return call("version", JSON.createArrayNode(), options.requestTimeout()).asText();
    }

    public void ping() {
        call("ping", JSON.createArrayNode(), options.requestTimeout());
    }

    /** One request on the current connection. */
    public JsonNode call(String method, ArrayNode params, Duration timeout) {
        RpcSocket current = socket;
        if (closed) {
            throw new SurrealUnavailableException("the SurrealDB client is closed");
        }
        if (current == null || !current.isOpen()) {
            throw new SurrealUnavailableException("SurrealDB at " + options.url() + " is unreachable: " + lastFailure());
        }
        return call(current, method, params, timeout);
    }

    private JsonNode call(RpcSocket on, String method, ArrayNode params, Duration timeout) {
        long id = ids.incrementAndGet();
        ObjectNode request = JSON.createObjectNode();
        request.put("id", id);
        request.put("method", method);
        request.set("params", params);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            on.send(request.toString());
            JsonNode reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode error = reply.get("error");
            if (error != null && !error.isNull()) {
                throw new SurrealRpcException(method, error.path("code").asInt(), error.path("kind").asText(null),
                        error.path("message").asText());
            }
            return reply.path("result");
        } catch (TimeoutException e) {
            throw new SurrealTimeoutException("SurrealDB did not answer " + method + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SurrealUnavailableException("interrupted while waiting for SurrealDB");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SurrealException surreal) {
                throw surreal;
            }
            throw new SurrealUnavailableException("SurrealDB request failed: " + RpcSocket.describe(e), e);
        } finally {
            pending.remove(id);
        }
    }

    // ---- incoming -------------------------------------------------------------------

    private void onMessage(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            LOG.warn("SurrealDB sent a message that is not JSON: {}", e.getMessage());
            return;
        }
        JsonNode id = message.get("id");
        if (id != null && !id.isNull()) {
            CompletableFuture<JsonNode> waiting = pending.get(id.asLong());
            if (waiting != null) {
                waiting.complete(message);
            }
            return;
        }
        JsonNode result = message.get("result");
        if (result != null && result.has("action")) {
            LiveNotification notification = new LiveNotification(result.path("id").asText(),
                    result.path("action").asText(), result.path("record").asText(null), result.get("result"));
            notifications.execute(() -> deliver(notification));
        } else if (message.has("error")) {
            LOG.warn("SurrealDB error without a request id: {}", message.get("error"));
        }
    }

    private void deliver(LiveNotification notification) {
        LiveQuery query = liveById.get(notification.liveId());
        if (query == null || notification.action().equals("KILLED")) {
            return;
        }
        try {
            query.listener().accept(notification);
        } catch (RuntimeException e) {
            LOG.warn("live query listener on {} failed", query.table(), e);
        }
    }

    // ---- connection life ------------------------------------------------------------

    /** Opens a socket, signs in, selects ns/db and restarts the live queries; only then is it used for requests. */
    private RpcSocket handshake() {
        RpcSocket fresh = RpcSocket.open(options.url(), options.connectTimeout(), this::onMessage, this::onClosed);
        if (closed) {
            fresh.close();
            throw new SurrealUnavailableException("the SurrealDB client is closed");
        }
        try {
            if (options.username() != null) {
                ObjectNode credentials = JSON.createObjectNode();
                credentials.put("user", options.username());
                credentials.put("pass", options.password());
                call(fresh, "signin", JSON.createArrayNode().add(credentials), options.requestTimeout());
            }
            call(fresh, "use", JSON.createArrayNode().add(options.namespace()).add(options.database()),
                    options.requestTimeout());
            liveById.clear();
            for (LiveQuery query : liveQueries) {
                start(query, fresh);
            }
            return fresh;
        } catch (RuntimeException e) {
            fresh.abort();
            throw e;
        }
    }

    private void start(LiveQuery query, RpcSocket on) {
        if (on == null) {
            throw new SurrealUnavailableException("SurrealDB at " + options.url() + " is unreachable: " + lastFailure());
        }
        String id;
        if (query.liveSelect() == null) {
            id = call(on, "live", JSON.createArrayNode().add(query.table()), options.requestTimeout()).asText();
        } else {
            ArrayNode params = JSON.createArrayNode().add(query.liveSelect());
            params.add(JSON.valueToTree(query.vars() == null ? Map.of() : query.vars()));
            JsonNode result = call(on, "query", params, options.requestTimeout());
            StatementResult.of(0, result.get(0)).orThrow();
            id = result.get(0).path("result").asText();
        }
        query.id(id);
        liveById.put(id, query);
    }

    private void onClosed(RpcSocket which, Throwable cause) {
        SurrealUnavailableException failure = new SurrealUnavailableException(
                "lost the connection to SurrealDB at " + options.url() + ": " + RpcSocket.describe(cause), cause);
        // requests carry no socket, so fail them all: when any socket dies, the current one is dead or not yet in use
        pending.values().forEach(f -> f.completeExceptionally(failure));
        if (closed || which == null || which != socket) {
            return; // a handshake that failed; the reconnect loop tries again
        }
        lastFailure = cause;
        LOG.warn("lost the connection to SurrealDB at {}: {}; reconnecting", options.url(), RpcSocket.describe(cause));
        for (ConnectionListener listener : connectionListeners) {
            try {
                listener.disconnected(cause);
            } catch (RuntimeException e) {
                LOG.warn("connection listener failed", e);
            }
        }
        synchronized (reconnectLock) {
            if (reconnector == null || !reconnector.isAlive()) {
                reconnector = Thread.ofVirtual().name("surrealdb-reconnect").start(this::reconnectLoop);
            }
        }
    }

    private void reconnectLoop() {
        long delay = options.reconnectDelay().toMillis();
        long attempts = 0;
        while (!closed) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            attempts++;
            try {
                RpcSocket fresh = handshake();
                if (closed) {
                    fresh.close();
                    return;
                }
                socket = fresh;
                lastFailure = null;
                LOG.info("reconnected to SurrealDB at {} after {} attempts", options.url(), attempts);
                for (ConnectionListener listener : connectionListeners) {
                    try {
                        listener.reconnected();
                    } catch (RuntimeException e) {
                        LOG.warn("connection listener failed", e);
                    }
                }
                return;
            } catch (SurrealException e) {
                lastFailure = e;
                if (attempts == 1 || attempts % 50 == 0) {
                    LOG.info("SurrealDB at {} still unreachable ({}); retrying", options.url(), e.getMessage());
                }
                delay = Math.min(delay * 2, options.maxReconnectDelay().toMillis());
            }
        }
    }

    private void heartbeatLoop() {
        while (!closed) {
            try {
                Thread.sleep(HEARTBEAT);
            } catch (InterruptedException e) {
                return;
            }
            RpcSocket current = socket;
            if (current == null || !current.isOpen()) {
                continue;
            }
            try {
                call(current, "ping", JSON.createArrayNode(), PING_TIMEOUT);
            } catch (SurrealTimeoutException e) {
                String why = "it did not answer a ping within " + PING_TIMEOUT.toSeconds() + " s";
                LOG.warn("SurrealDB at {}: {}; dropping the connection", options.url(), why);
                current.abort(why);
            } catch (SurrealException e) {
                // a closed connection is being handled by the reconnect loop
            }
        }
    }

    /** Drops the connection as a network failure would (tests, and a hung server). */
    public void dropConnection() {
        RpcSocket current = socket;
        if (current != null) {
            current.abort();
        }
    }

    @Override
    public void close() {
        closed = true;
        heartbeat.interrupt();
        synchronized (reconnectLock) {
            if (reconnector != null) {
                reconnector.interrupt();
            }
        }
        RpcSocket current = socket;
        if (current != null) {
            current.close();
        }
        notifications.shutdown();
    }
}
