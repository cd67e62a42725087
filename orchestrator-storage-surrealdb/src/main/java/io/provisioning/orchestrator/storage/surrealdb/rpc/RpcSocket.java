package io.provisioning.orchestrator.storage.surrealdb.rpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One WebSocket connection with subprotocol {@code json}: whole text messages in, whole text
 * messages out. Sends are serialized (java.net.http allows one outstanding send); messages are
 * handed to {@code onMessage} on the socket's thread; {@code onClosed} runs once, however it ends.
 */
final class RpcSocket {
    private static final HttpClient HTTP = HttpClient.newBuilder().build();

    private final WebSocket webSocket;
    private final AtomicBoolean closed;
    private final Consumer<Throwable> closedOnce;
    private final Object sendLock = new Object();

    private RpcSocket(WebSocket webSocket, AtomicBoolean closed, Consumer<Throwable> closedOnce) {
        this.webSocket = webSocket;
        this.closed = closed;
        this.closedOnce = closedOnce;
    }

    /** {@code onClosed} gets this socket (null if it closed before open returned) and the cause. */
    static RpcSocket open(URI url, Duration timeout, Consumer<String> onMessage,
            java.util.function.BiConsumer<RpcSocket, Throwable> onClosed) {
        AtomicBoolean closed = new AtomicBoolean();
        RpcSocket[] self = new RpcSocket[1];
        Consumer<Throwable> closedOnce = cause -> {
            if (closed.compareAndSet(false, true)) {
                onClosed.accept(self[0], cause);
            }
        };
        Listener listener = new Listener(onMessage, closedOnce);
        CompletableFuture<WebSocket> opening = HTTP.newWebSocketBuilder().connectTimeout(timeout).subprotocols("json")
                .buildAsync(url, listener);
        try {
            WebSocket ws = opening.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            self[0] = new RpcSocket(ws, closed, closedOnce);
            return self[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SurrealUnavailableException("interrupted while connecting to " + url);
        } catch (ExecutionException | TimeoutException e) {
            // a server that hangs may still finish the handshake later: drop that socket unheard
            closed.set(true);
            opening.thenAccept(WebSocket::abort);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SurrealUnavailableException("cannot connect to SurrealDB at " + url + ": " + describe(cause), cause);
        }
    }

    void send(String text) {
        if (closed.get()) {
            throw new SurrealUnavailableException("the connection to SurrealDB is closed");
        }
        synchronized (sendLock) {
            try {
                webSocket.sendText(text, true).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SurrealUnavailableException("interrupted while sending to SurrealDB");
            } catch (ExecutionException | TimeoutException | CompletionException e) {
                abort();
                throw new SurrealUnavailableException("cannot send to SurrealDB: " + describe(e.getCause()), e);
            }
        }
    }

    boolean isOpen() {
        return !closed.get();
    }

    /** Closes politely; the peer's close (or an abort after a second) ends it. */
    void close() {
        if (closed.get()) {
            return;
        }
        try {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the connection is going away either way
        }
        abort();
    }

    /** Drops the connection at once, as a network failure would. The listener hears nothing after an abort, so tell it here. */
    void abort() {
        abort("connection dropped");
    }

    void abort(String reason) {
        webSocket.abort();
        closedOnce.accept(new SurrealUnavailableException(reason));
    }

    /** One clause a person can read: what went wrong with the connection, without Java class names. */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        while (t.getCause() != null && (t.getMessage() == null || t instanceof CompletionException
                || t instanceof ExecutionException || t instanceof java.io.IOException)) {
            t = t.getCause();
        }
        if (t instanceof java.net.ConnectException) {
            return "connection refused (nothing listens there)";
        }
        if (t instanceof java.nio.channels.ClosedChannelException || t instanceof java.io.EOFException) {
            return "the connection was closed";
        }
        if (t instanceof java.net.http.HttpTimeoutException || t instanceof TimeoutException) {
            return "no answer in time";
        }
        if (t instanceof java.net.UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        if (t instanceof SurrealException || t.getMessage() != null && !t.getMessage().isBlank()
                && !t.getMessage().contains("Exception")) {
            return t.getMessage();
        }
        return "the connection failed";
    }

    private static final class Listener implements WebSocket.Listener {
        private final Consumer<String> onMessage;
        private final Consumer<Throwable> onClosed;
        private final StringBuilder partial = new StringBuilder();

        Listener(Consumer<String> onMessage, Consumer<Throwable> onClosed) {
            this.onMessage = onMessage;
            this.onClosed = onClosed;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                onMessage.accept(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onClosed.accept(new SurrealUnavailableException("SurrealDB closed the connection (" + statusCode
                    + (reason == null || reason.isEmpty() ? "" : ", " + reason) + ")"));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onClosed.accept(new SurrealUnavailableException("connection to SurrealDB failed: " + describe(error), error));
        }
    }
}
