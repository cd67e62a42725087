package io.provisioning.orchestrator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A user's view of the REST API: status code and the parsed envelope; {@code headers} go on every request. */
record Api(String base, HttpClient client, java.util.List<String> headers) {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Api(String base) {
        this(base, CLIENT, java.util.List.of());
    }

    /** The same API, calling with {@code Authorization: Bearer <token>}. */
    Api withToken(String token) {
        return new Api(base, client, java.util.List.of("Authorization", "Bearer " + token));
    }

    record Reply(int status, JsonNode body, Map<String, java.util.List<String>> headers) {
        boolean success() {
            return body != null && body.path("success").asBoolean();
        }

        JsonNode data() {
            return body.path("data");
        }

        String error() {
            return body.path("error").asText(null);
        }
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder);
    }

    Reply send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpResponse<String> response = raw(builder);
        JsonNode body = null;
        try {
            body = Json.mapper().readTree(response.body());
        } catch (IOException notJson) {
            // left null: the assertion on the body will say so
        }
        return new Reply(response.statusCode(), body, response.headers().map());
    }

    /**
     * Sends with this API's headers and returns the response as text (for non-envelope answers such as
     * /metrics). Every answer is checked against the served OpenAPI document ({@link OpenApiContract}):
     * an answer the document does not promise fails the test that got it.
     */
    HttpResponse<String> raw(HttpRequest.Builder builder) throws IOException, InterruptedException {
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            builder.setHeader(headers.get(i), headers.get(i + 1));
        }
        HttpRequest request = builder.timeout(Duration.ofSeconds(120)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        java.util.List<String> problems = OpenApiContract.standard().problems(request.method(),
                request.uri().getRawPath(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), response.body());
        if (!problems.isEmpty()) {
            throw new AssertionError("the answer does not match the OpenAPI document:\n  " + String.join("\n  ", problems));
        }
        return response;
    }

    HttpResponse<String> text(String path) throws IOException, InterruptedException {
        return raw(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** Submits a servers-create workflow; returns the task id. */
    String createServers(String extraJson, String... servers) throws IOException, InterruptedException {
        StringBuilder names = new StringBuilder();
        for (String s : servers) {
            names.append(names.isEmpty() ? "" : ",").append('"').append(s).append('"');
        }
        Reply reply = post("/workflows/servers/create", "{\"infra\":\"production\",\"settings\":\"./settings.yaml\","
                + "\"servers\":[" + names + "],\"check_mode\":false,\"wait\":false" + extraJson + "}");
        if (reply.status() != 200) {
            throw new IllegalStateException("submit failed: " + reply.status() + " " + reply.body());
        }
        return reply.data().asText();
    }

    JsonNode task(String id) throws IOException, InterruptedException {
        Reply reply = get("/tasks/" + id);
        if (reply.status() != 200) {
            throw new IllegalStateException("GET /tasks/" + id + " answered " + reply.status() + " " + reply.body());
        }
        return reply.data();
    }

    String status(String id) throws IOException, InterruptedException {
        return task(id).path("status").asText();
    }
}
