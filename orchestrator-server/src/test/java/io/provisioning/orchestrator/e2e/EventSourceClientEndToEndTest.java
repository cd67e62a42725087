package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.json.Json;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard EventSource client (npm {@code eventsource}, the WHATWG implementation, pinned in
 * package.json) run by node follows a real task, run by real nu, to its end across a SIGKILL and
 * restart of the server: it reconnects by itself with its Last-Event-ID, sees the re-queued task
 * run again and complete, never sees an event twice, and stops for good (the 204 after the end)
 * instead of reconnecting forever.
 */
class EventSourceClientEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;

    @Test
    void the_npm_eventsource_client_follows_a_task_to_its_end_across_a_server_restart_and_then_stops() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        int port = ServerProcess.freePort();
        ServerProcess server = ServerProcess.startOnPort(port, dataDir, workspace, Components.fixtureScript());
        Process client = null;
        try {
            String id = server.api().createServers("", "sleep6000-es1");
            List<JsonNode> seen = new CopyOnWriteArrayList<>();
            client = follow("http://127.0.0.1:" + port + "/tasks/" + id + "/events", seen);
            await().atMost(SseReader.patience()).until(() -> seen.stream().anyMatch(s -> is(s, "task", "Running")));

            server.kill9();
            await().atMost(SseReader.patience()).until(() -> seen.stream().anyMatch(s -> s.path("seen").asText().equals("error")));
            server = ServerProcess.startOnPort(port, dataDir, workspace, Components.fixtureScript());

            Process node = client;
            await().atMost(Duration.ofSeconds(120)).until(() -> !node.isAlive());
            assertThat(client.exitValue()).as("the client stopped by itself: %s", seen).isZero();

            List<JsonNode> events = seen.stream().filter(s -> s.has("id") && !s.path("id").asText().isEmpty()).toList();
            List<Long> ids = events.stream().map(s -> Long.parseLong(s.path("id").asText())).toList();
            assertThat(ids).as("resumed after its Last-Event-ID: nothing twice, nothing out of order").isSorted()
                    .doesNotHaveDuplicates();
            assertThat(events.stream().filter(s -> s.path("seen").asText().equals("task"))
                    .map(s -> s.path("status").asText()).toList())
                    .containsSubsequence("Pending", "Running", "Pending", "Running", "Completed");
            assertThat(seen.get(seen.size() - 1).path("seen").asText()).isEqualTo("closed");
            assertThat(seen.stream().filter(s -> s.path("seen").asText().equals("open")).count())
                    .as("connected once, again after the restart, once more after the end (then 204)").isGreaterThanOrEqualTo(2);
            assertThat(server.api().status(id)).isEqualTo("Completed");
        } finally {
            if (client != null && client.isAlive()) {
                client.destroyForcibly();
                client.waitFor(10, TimeUnit.SECONDS);
            }
            server.close();
        }
    }

    private static boolean is(JsonNode seen, String name, String status) {
        return seen.path("seen").asText().equals(name) && seen.path("status").asText().equals(status);
    }

    /** Starts the node script that follows {@code url}; what it prints lands in {@code seen}. */
    static Process follow(String url, List<JsonNode> seen) throws IOException {
        Path script = Components.repoRoot().resolve("orchestrator-server/src/test/resources/eventsource/follow.mjs");
        if (!Files.isDirectory(Components.repoRoot().resolve("node_modules/eventsource"))) {
            throw new IllegalStateException("the npm package eventsource is missing: run 'npm ci' in " + Components.repoRoot());
        }
        Process process = new ProcessBuilder(node(), script.toString(), url, "150").redirectErrorStream(true).start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    try {
                        seen.add(Json.mapper().readTree(line));
                    } catch (IOException notJson) {
                        seen.add(Json.mapper().createObjectNode().put("seen", "output").put("line", line));
                    }
                }
            } catch (IOException ended) {
                // the script ended
            }
        });
        return process;
    }

    /** node from the PATH; missing, the test fails. */
    static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("node is missing on the PATH (apt-get install nodejs; .ci/run does)");
    }
}
