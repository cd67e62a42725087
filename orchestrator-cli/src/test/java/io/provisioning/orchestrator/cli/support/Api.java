package io.provisioning.orchestrator.cli.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to the server directly, without the CLI, to set up and check what the CLI did. */
public final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    public Api(String url) {
        this.url = url;
    }

    /** Queues a servers workflow on infra production; the fixture library acts on the names. */
    public String submitServers(String... servers) {
        var body = JSON.createObjectNode().put("infra", "production").put("settings", "./settings.yaml");
        var list = body.putArray("servers");
        for (String server : servers) {
            list.add(server);
        }
        return post("/workflows/servers/create", body.toString()).path("data").asText();
    }

    public JsonNode task(String id) {
        return get("/tasks/" + id).path("data");
    }

    public JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> task(id).path("status").asText().equals(status));
        return task(id);
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET().build());
    }

    public JsonNode post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode send(HttpRequest request) {
        try {
            return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
