package io.provisioning.orchestrator.e2e;

import static io.provisioning.orchestrator.e2e.Environments.DOCKER;
import static io.provisioning.orchestrator.e2e.Environments.awaitStatus;
import static io.provisioning.orchestrator.e2e.Environments.create;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.testenv.DockerAvailable;
import io.provisioning.orchestrator.testenv.Labels;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the real Docker daemon: a server killed with its environment up, whose data dir is then
 * deleted, leaves containers and a network that no one would ever remove; prune on another server
 * removes exactly those (saying why) and leaves that server's live environment alone.
 */
@ExtendWith(DockerAvailable.class)
class TestEnvironmentPruneEndToEndTest {
    private static final String REDIS = """
            {"config": {"type": "single_taskserv", "taskserv": "redis"}, "infra": "dev",
             "auto_start": false, "auto_cleanup": false}""";
    @TempDir Path root;

    @Test
    void prune_removes_the_leftovers_of_a_deleted_data_dir_and_keeps_a_live_environment() throws Exception {
        Path deletedData = Files.createDirectories(root.resolve("deleted-data"));
        Path liveData = Files.createDirectories(root.resolve("live-data"));
        String orphan;
        try (ServerProcess gone = Environments.startServer(deletedData)) {
            orphan = create(gone.api(), REDIS);
            awaitStatus(gone.api(), orphan, Duration.ofSeconds(60), "Ready");
            gone.kill9();
        }
        deleteTree(deletedData);
        assertThat(DOCKER.listContainers(Environments.labelsOf(orphan))).as("left on the daemon").isNotEmpty();

        try (ServerProcess server = Environments.startServer(liveData)) {
            Api api = server.api();
            String live = create(api, REDIS);
            awaitStatus(api, live, Duration.ofSeconds(60), "Ready");
            try {
                Api.Reply pruned = api.post("/test/environments/prune", "{}");
                assertThat(pruned.status()).as("prune answered %s", pruned.body()).isEqualTo(200);
                List<String> removed = new ArrayList<>();
                for (JsonNode thing : pruned.data().path("removed")) {
                    if (thing.path("environment").asText().equals(orphan)) {
                        assertThat(thing.path("reason").asText())
                                .isEqualTo("its data dir " + deletedData + " no longer exists");
                        removed.add(thing.path("kind").asText() + " " + thing.path("name").asText());
                    }
                    assertThat(thing.path("environment").asText()).as("the live environment stays").isNotEqualTo(live);
                }
                assertThat(removed).contains("container " + Labels.dockerName(orphan, "redis"),
                        "network " + Labels.dockerName(orphan, null));
                Environments.assertNothingLeft(orphan);
                assertThat(Environments.get(api, live).path("status").asText()).isEqualTo("Ready");
                assertThat(DOCKER.listContainers(Environments.labelsOf(live))).as("live containers").hasSize(1);
                assertThat(DOCKER.inspect(Labels.dockerName(live, "redis")).running()).isTrue();
            } finally {
                api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + live)).DELETE());
                Environments.awaitNothingLeft(live, Duration.ofSeconds(30));
            }
        } finally {
            DOCKER.listContainers(Environments.labelsOf(orphan)).forEach(c -> DOCKER.removeContainer(c.id()));
            DOCKER.listNetworks(Environments.labelsOf(orphan)).forEach(n -> DOCKER.removeNetwork(n.id()));
            DOCKER.listVolumes(Environments.labelsOf(orphan)).forEach(v -> DOCKER.removeVolume(v.name()));
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
