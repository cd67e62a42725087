package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM lets work finish or re-queues it; three SIGKILLs during 200 tasks lose nothing and run nothing twice at once. */
class ShutdownAndCrashEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;

    @Test
    void sigterm_lets_short_tasks_finish_and_requeues_long_ones_instead_of_leaving_them_running() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        String shortTask;
        String longTask;
        try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                "--workers", "2", "--shutdown-grace-seconds", "3")) {
            Api api = server.api();
            shortTask = api.createServers("", "sleep1500-short");
            longTask = api.createServers("", "sleep20000-long");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(shortTask).equals("Running")
                    && api.status(longTask).equals("Running"));
            server.close(); // SIGTERM, then waits for the process to exit
            assertThat(server.log()).noneMatch(l -> l.contains("Exception"));
        }
        try (ServerProcess again = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "2")) {
            Api api = again.api();
            JsonNode finished = api.task(shortTask);
            assertThat(finished.path("status").asText()).isEqualTo("Completed");
            assertThat(finished.path("attempts").asInt()).isEqualTo(1);
            JsonNode requeued = api.task(longTask);
            assertThat(requeued.path("status").asText()).isIn("Pending", "Running");
            assertThat(requeued.path("history").get(0).path("error").asText()).contains("shutting down");
            assertThat(again.log()).noneMatch(l -> l.contains("re-queued")); // nothing was left Running
        }
    }

    @Test
    void two_hundred_tasks_survive_three_sigkills_all_completed_none_lost_none_overlapping() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Random random = new Random(7);
        List<String> ids = new ArrayList<>();
        Map<String, String> serverOf = new HashMap<>();
        ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "8");
        try {
            for (int i = 0; i < 200; i++) {
                String name = "sleep" + (50 + random.nextInt(700)) + "-crash" + i;
                String id = server.api().createServers(",\"max_attempts\":10", name);
                ids.add(id);
                serverOf.put(id, name);
            }
            for (int kill = 0; kill < 3; kill++) {
                Thread.sleep(1500 + random.nextInt(1500));
                server.kill9();
                server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "8");
            }
            Api api = server.api();
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() ->
                    api.get("/tasks?status=Completed&limit=1").headers().get("x-total-count").get(0).equals("200"));
            assertThat(api.get("/tasks?limit=1000").data()).hasSize(200);
            for (String id : ids) {
                JsonNode task = api.task(id);
                assertThat(task.path("status").asText()).isEqualTo("Completed");
                // the log of the attempt that completed is whole
                JsonNode logs = api.get("/tasks/" + id + "/logs").data();
                JsonNode last = logs.get(logs.size() - 1);
                assertThat(last.path("attempt").asInt()).isEqualTo(task.path("attempts").asInt());
                assertThat(last.path("lines").toString()).contains("created " + serverOf.get(id));
                assertNoAttemptsOverlap(id, task.path("attempts").asInt());
            }
        } finally {
            server.close();
        }
    }

    /** Attempts of one task never ran at the same time: each started after the previous one's last sign of life. */
    private void assertNoAttemptsOverlap(String id, int attempts) throws Exception {
        long previousEnd = -1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Path start = dataDir.resolve("state/runs/" + id + "." + attempt + ".start");
            Path end = dataDir.resolve("state/runs/" + id + "." + attempt + ".end");
            String startText = Files.exists(start) ? Files.readString(start).trim() : "";
            if (startText.isEmpty()) {
                // interrupted before the script started, or while nu's `save -f` had created the marker but not
                // yet written it (a SIGKILL of the server ends the attempt's tree at any point; seen once in CI)
                continue;
            }
            long started = Long.parseLong(startText);
            assertThat(started).as("attempt %d of %s started after attempt %d ended", attempt, id, attempt - 1)
                    .isGreaterThanOrEqualTo(previousEnd);
            String endText = Files.exists(end) ? Files.readString(end).trim() : "";
            previousEnd = endText.isEmpty() ? started : Long.parseLong(endText);
        }
    }
}
