package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.testenv.DockerAvailable;
import io.provisioning.orchestrator.testenv.Labels;
import io.provisioning.orchestrator.testenv.docker.DockerContainerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/** Test environments through the real server's HTTP API, and what Docker says about them by label. */
final class Environments {
    static final DockerContainerRuntime DOCKER = new DockerContainerRuntime(DockerAvailable.dockerHost());

    private Environments() {}

    /** The flags that point a server at the shipped catalog and templates. */
    static String[] serverArgs(String... more) {
        Path root = Components.repoRoot();
        List<String> args = new java.util.ArrayList<>(List.of(
                "--testenv-catalog", root.resolve("docker/taskservs/catalog.yaml").toString(),
                "--testenv-topologies", root.resolve("docker/topologies.yaml").toString()));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    static ServerProcess startServer(Path dataDir, String... more) throws Exception {
        Path root = Components.repoRoot();
        return ServerProcess.start(dataDir, root.resolve("workspace"), root.resolve("provisioning/main.nu"),
                serverArgs(more));
    }

    static String create(Api api, String body) throws Exception {
        Api.Reply reply = api.post("/test/environments/create", body);
        assertThat(reply.status()).as("create answered %s", reply.body()).isEqualTo(200);
        assertThat(reply.data().path("status").asText()).isEqualTo("Creating");
        return reply.data().path("id").asText();
    }

    static JsonNode get(Api api, String id) throws Exception {
        Api.Reply reply = api.get("/test/environments/" + id);
        assertThat(reply.status()).as("GET %s answered %s", id, reply.body()).isEqualTo(200);
        return reply.data();
    }

    /** Waits until the environment has one of {@code statuses} (and, with auto_cleanup, is cleaned up). */
    static JsonNode awaitStatus(Api api, String id, Duration timeout, String... statuses) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                .failFast("environment failed", () -> last.get() != null
                        && last.get().path("status").asText().equals("Failed")
                        && !Arrays.asList(statuses).contains("Failed"))
                .until(() -> {
                    JsonNode env = get(api, id);
                    last.set(env);
                    boolean settled = !env.path("auto_cleanup").asBoolean() || env.path("cleaned_up").asBoolean()
                            || !env.path("auto_start").asBoolean() && env.path("status").asText().equals("Ready");
                    return Arrays.asList(statuses).contains(env.path("status").asText()) && settled;
                });
        return last.get();
    }

    static Map<String, String> labelsOf(String id) {
        return Map.of(Labels.ENVIRONMENT, id);
    }

    static void assertNothingLeft(String id) {
        assertThat(DOCKER.listContainers(labelsOf(id))).as("containers of %s", id).isEmpty();
        assertThat(DOCKER.listNetworks(labelsOf(id))).as("networks of %s", id).isEmpty();
        assertThat(DOCKER.listVolumes(labelsOf(id))).as("volumes of %s", id).isEmpty();
    }

    static void awaitNothingLeft(String id, Duration timeout) {
        Awaitility.await().atMost(timeout).untilAsserted(() -> assertNothingLeft(id));
    }

    static String owner(Path dataDir) throws Exception {
        return Files.readString(dataDir.resolve("testenv/owner")).strip();
    }

    static String container(String id, String node) {
        return Labels.dockerName(id, node);
    }

    static String exec(String id, String node, String... argv) {
        var result = DOCKER.exec(container(id, node), List.of(argv), Duration.ofSeconds(30));
        return result.exitCode() + ":" + result.output();
    }

    static JsonNode result(JsonNode env, String name, String node) {
        for (JsonNode r : env.path("results")) {
            if (r.path("name").asText().equals(name) && (node == null || r.path("node").asText().equals(node))) {
                return r;
            }
        }
        throw new AssertionError("no result " + name + "@" + node + " in " + env.path("results"));
    }
}
