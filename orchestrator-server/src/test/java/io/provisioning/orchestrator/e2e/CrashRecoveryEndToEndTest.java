package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the server mid-task loses nothing: the running task is re-queued, the queued ones still run. */
class CrashRecoveryEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;

    @Test
    void recovers_every_task_after_the_server_is_killed_with_sigkill_mid_task() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        String running;
        List<String> queued = new ArrayList<>();
        try (ServerProcess first = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "1")) {
            Api api = first.api();
            running = api.createServers(",\"priority\":90", "sleep4000-long");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(running).equals("Running"));
            for (int i = 0; i < 5; i++) {
                queued.add(api.createServers("", "ok-" + i));
            }
            assertThat(api.status(queued.get(4))).isEqualTo("Pending");
            first.kill9();
        }
        try (ServerProcess second = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "2")) {
            Api api = second.api();
            List<String> all = new ArrayList<>(queued);
            all.add(running);
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (String id : all) {
                    if (!api.status(id).equals("Completed")) {
                        return false;
                    }
                }
                return true;
            });
            JsonNode task = api.task(running);
            assertThat(task.path("attempts").asInt()).isEqualTo(2);
            JsonNode logs = api.get("/tasks/" + running + "/logs").data();
            assertThat(logs).hasSize(2);
            assertThat(logs.get(1).path("lines").toString()).contains("created sleep4000-long");
            assertThat(task.path("history").get(0).path("error").asText()).contains("interrupted");
            assertThat(api.get("/tasks?limit=1000").data().size()).isEqualTo(6);
            assertThat(second.log()).anyMatch(l -> l.contains("re-queued"));
        }
    }
}
