package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-task log cap and the retention of finished tasks' logs, on the real server with real nu scripts. */
class LogLimitsEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;

    @Test
    void a_task_log_over_the_cap_ends_with_one_marker_and_a_restart_with_no_retention_deletes_finished_logs()
            throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        String id;
        try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                "--log-max-bytes-per-task", "120")) {
            Api api = server.api();
            id = api.createServers("", "ok-log-cap");
            await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals("Completed"));
            JsonNode lines = api.get("/tasks/" + id + "/logs").data().get(0).path("lines");
            assertThat(lines.toString()).contains("log cap of 120 bytes reached");
            assertThat(lines.toString()).doesNotContain("created ok-log-cap");
        }
        assertThat(Files.exists(dataDir.resolve("logs/" + id))).isTrue();

        try (ServerProcess restarted = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                "--log-retention-hours", "0")) {
            Api api = restarted.api();
            // the attempt is still listed, without its lines
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/tasks/" + id + "/logs").data().get(0)
                    .path("lines").isEmpty());
            assertThat(Files.exists(dataDir.resolve("logs/" + id + "/events.log"))).isFalse();
            assertThat(api.status(id)).as("the task itself stays").isEqualTo("Completed");
        }
    }
}
