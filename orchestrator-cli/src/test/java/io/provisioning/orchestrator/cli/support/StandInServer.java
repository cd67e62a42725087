package io.provisioning.orchestrator.cli.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP server with fixed answers. It stands in for what the real orchestrator cannot be made
 * to do on demand (a 500, a rejected token, a foreign server, a scripted event stream) and records
 * the requests it saw. Requests without an answer of their own get the default one.
 */
public final class StandInServer implements AutoCloseable {
    private record Answer(int status, String contentType, List<String> bodies, AtomicInteger served) {
        Answer(int status, String contentType, String body) {
            this(status, contentType, List.of(body), new AtomicInteger());
        }

        /** Each request gets the next body; the last one repeats. */
        String nextBody() {
            return bodies.get(Math.min(served.getAndIncrement(), bodies.size() - 1));
        }
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Answer fallback;

    private StandInServer(Answer fallback) throws IOException {
        this.fallback = fallback;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    public static StandInServer answering(int status, String contentType, String body) {
        try {
            return new StandInServer(new Answer(status, contentType, body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static StandInServer envelopeError(int status, String message) {
        return answering(status, "application/json", envelope(false, "null", message));
    }

    public static String envelope(boolean success, String dataJson, String error) {
        return "{\"success\":" + success + ",\"data\":" + dataJson + ",\"error\":"
                + (error == null ? "null" : "\"" + error.replace("\"", "\\\"") + "\"") + "}";
    }

    /** Answers {@code "GET /path"} with this instead of the default. */
    public StandInServer on(String methodAndPath, int status, String contentType, String body) {
        answers.put(methodAndPath, new Answer(status, contentType, body));
        return this;
    }

    /** Answers {@code "GET /path"} with these bodies in turn, the last one from then on. */
    public StandInServer onSequence(String methodAndPath, int status, String contentType, String... bodies) {
        answers.put(methodAndPath, new Answer(status, contentType, List.of(bodies), new AtomicInteger()));
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<String> authorizations() {
        return authorizations;
    }

    public List<String> requests() {
        return requests;
    }

    private void answer(HttpExchange exchange) throws IOException {
        String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        requests.add(request);
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            authorizations.add(auth);
        }
        exchange.getRequestBody().readAllBytes();
        Answer answer = answers.getOrDefault(request, fallback);
        byte[] bytes = answer.nextBody().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
