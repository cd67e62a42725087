package io.provisioning.orchestrator.e2e;

import static io.provisioning.orchestrator.e2e.Environments.DOCKER;
import static io.provisioning.orchestrator.e2e.Environments.awaitNothingLeft;
import static io.provisioning.orchestrator.e2e.Environments.awaitStatus;
import static io.provisioning.orchestrator.e2e.Environments.create;
import static io.provisioning.orchestrator.e2e.Environments.labelsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.testenv.DockerAvailable;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Records survive a restart; what a crash or a lost record leaves in Docker is removed at the next start. */
@ExtendWith(DockerAvailable.class)
class TestEnvironmentRestartEndToEndTest {
    @TempDir
    Path dataDir;

    @Test
    void records_survive_a_kill_9_and_containers_of_environments_that_no_longer_exist_are_removed_at_start()
            throws Exception {
        String kept;
        String lost;
        try (ServerProcess first = Environments.startServer(dataDir)) {
            kept = create(first.api(), "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\"}}");
            lost = create(first.api(), "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\"}}");
            awaitStatus(first.api(), kept, Duration.ofSeconds(60), "Ready");
            awaitStatus(first.api(), lost, Duration.ofSeconds(60), "Ready");
            first.kill9();
        }
        Files.delete(dataDir.resolve("testenv/" + lost + ".json"));
        assertThat(DOCKER.listContainers(labelsOf(lost))).hasSize(1);

        try (ServerProcess second = Environments.startServer(dataDir)) {
            Api api = second.api();
            awaitNothingLeft(lost, Duration.ofSeconds(30));
            assertThat(api.get("/test/environments/" + lost).status()).isEqualTo(404);
            JsonNode survivor = Environments.get(api, kept);
            assertThat(survivor.path("status").asText()).isEqualTo("Ready");
            assertThat(DOCKER.listContainers(labelsOf(kept))).hasSize(1);
            Api.Reply run = api.post("/test/environments/" + kept + "/run", "");
            assertThat(run.data().path("status").asText()).as("%s", run.body()).isEqualTo("Completed");
            api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + kept)).DELETE());
            Environments.assertNothingLeft(kept);
        }
    }

    @Test
    void a_creation_cut_short_by_a_crash_is_marked_failed_and_what_it_made_is_removed_at_start() throws Exception {
        String id;
        try (ServerProcess first = Environments.startServer(dataDir)) {
            id = create(first.api(), "{\"config\": {\"type\": \"cluster_topology\", \"template\": \"etcd_cluster\"}}");
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !DOCKER.listContainers(labelsOf(id)).isEmpty());
            first.kill9();
        }
        assertThat(DOCKER.listNetworks(labelsOf(id))).isNotEmpty();
        try (ServerProcess second = Environments.startServer(dataDir)) {
            JsonNode failed = Environments.get(second.api(), id);
            assertThat(failed.path("status").asText()).isEqualTo("Failed");
            assertThat(failed.path("error").asText()).contains("cut short by a server restart");
            awaitNothingLeft(id, Duration.ofSeconds(30));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> Environments.get(second.api(), id).path("cleaned_up").asBoolean());
            assertThat(second.api().post("/test/environments/" + id + "/run", "").status()).isEqualTo(409);
        }
    }
}
