package io.provisioning.orchestrator.e2e;

import static io.provisioning.orchestrator.e2e.Environments.DOCKER;
import static io.provisioning.orchestrator.e2e.Environments.assertNothingLeft;
import static io.provisioning.orchestrator.e2e.Environments.awaitStatus;
import static io.provisioning.orchestrator.e2e.Environments.create;
import static io.provisioning.orchestrator.e2e.Environments.exec;
import static io.provisioning.orchestrator.e2e.Environments.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.testenv.DockerAvailable;
import io.provisioning.orchestrator.testenv.Labels;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Test Environment Service through the real server's HTTP API, against the real Docker daemon. */
@ExtendWith(DockerAvailable.class)
class TestEnvironmentsEndToEndTest {
    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        server = Environments.startServer(dataDir, "--allow-privileged-testenv"); // one test sends inline checks
        api = server.api();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server == null) {
            return;
        }
        server.close();
        String owner = Environments.owner(dataDir);
        assertThat(DOCKER.listContainers(Map.of(Labels.OWNER, owner))).as("containers this server left").isEmpty();
        assertThat(DOCKER.listNetworks(Map.of(Labels.OWNER, owner))).as("networks this server left").isEmpty();
        assertThat(DOCKER.listVolumes(Map.of(Labels.OWNER, owner))).as("volumes this server left").isEmpty();
    }

    @Test
    void a_redis_taskserv_is_created_runs_its_checks_shows_its_logs_and_is_deleted_leaving_nothing() throws Exception {
        String id = create(api, """
                {"config": {"type": "single_taskserv", "taskserv": "redis", "resources": {"cpu_millicores": 300, "memory_mb": 128},
                            "environment": {"GREETING": "hello world; $(id)"}},
                 "infra": "dev", "auto_start": false, "auto_cleanup": false}""");
        JsonNode ready = awaitStatus(api, id, Duration.ofSeconds(60), "Ready");
        assertThat(ready.path("ready_at").asText()).isNotEmpty();
        assertThat(ready.path("network").path("name").asText()).isEqualTo(Labels.dockerName(id, null));
        JsonNode container = ready.path("containers").get(0);
        assertThat(container.path("node").asText()).isEqualTo("redis");
        assertThat(container.path("image").asText()).isEqualTo("provisioning/taskserv-redis:12");

        var state = DOCKER.inspect(container.path("id").asText());
        assertThat(state.memoryBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(state.nanoCpus()).isEqualTo(300_000_000L);
        assertThat(state.labels()).containsEntry(Labels.ENVIRONMENT, id).containsEntry(Labels.NODE, "redis");
        assertThat(exec(id, "redis", "printenv", "GREETING")).isEqualTo("0:hello world; $(id)\n");
        assertThat(DOCKER.listVolumes(Environments.labelsOf(id))).hasSize(1);

        Api.Reply run = api.post("/test/environments/" + id + "/run", "");
        assertThat(run.status()).as("%s", run.body()).isEqualTo(200);
        JsonNode done = run.data();
        assertThat(done.path("status").asText()).isEqualTo("Completed");
        assertThat(done.path("runs").asInt()).isEqualTo(1);
        for (String check : List.of("ping", "set", "get", "idempotence")) {
            JsonNode r = result(done, check, "redis");
            assertThat(r.path("passed").asBoolean()).as("%s", r).isTrue();
            assertThat(r.has("output") && r.has("duration_ms") && r.has("duration")).isTrue();
        }
        assertThat(result(done, "ping", "redis").path("output").asText()).isEqualTo("PONG");
        assertThat(result(done, "idempotence", "redis").path("output").asText()).contains("already installed");

        JsonNode logs = api.get("/test/environments/" + id + "/logs?container=redis&tail=2").data();
        assertThat(logs.get(0).path("container").asText()).isEqualTo(Labels.dockerName(id, "redis"));
        assertThat(logs.get(0).path("lines").size()).isEqualTo(2);
        JsonNode all = api.get("/test/environments/" + id + "/logs").data().get(0).path("lines");
        assertThat(all.toString()).contains("Ready to accept connections");
        assertThat(api.get("/test/environments/" + id + "/logs?since=" + Instant.now().plusSeconds(3600).getEpochSecond())
                .data().get(0).path("lines").size()).isZero();
        assertThat(api.get("/test/environments/" + id + "/logs?since=10m").data().get(0).path("lines").size())
                .isEqualTo(all.size());

        assertThat(api.get("/test/environments").data().findValuesAsText("id")).contains(id);
        Api.Reply deleted = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + id)).DELETE());
        assertThat(deleted.status()).isEqualTo(200);
        assertNothingLeft(id);
        assertThat(api.get("/test/environments/" + id).status()).isEqualTo(404);
    }

    @Test
    void a_server_simulation_installs_its_taskservs_in_order_runs_on_creation_and_cleans_up_after_keeping_the_logs()
            throws Exception {
        String id = create(api, """
                {"config": {"type": "server_simulation", "server_name": "web-01", "taskservs": ["etcd", "redis"]},
                 "auto_start": true, "auto_cleanup": true}""");
        JsonNode done = awaitStatus(api, id, Duration.ofSeconds(240), "Completed");
        assertThat(done.path("cleaned_up").asBoolean()).isTrue();
        assertThat(done.path("containers")).hasSize(1);
        assertThat(done.path("containers").get(0).path("taskservs").toString()).isEqualTo("[\"etcd\",\"redis\"]");
        assertThat(result(done, "cluster_health", "web-01").path("passed").asBoolean()).isTrue();
        assertThat(result(done, "ping", "web-01").path("output").asText()).isEqualTo("PONG");
        assertThat(done.path("results").findValuesAsText("taskserv")).containsSubsequence("etcd", "redis");
        assertNothingLeft(id);
        JsonNode logs = api.get("/test/environments/" + id + "/logs?tail=5").data();
        assertThat(logs.get(0).path("archived").asBoolean()).isTrue();
        assertThat(logs.get(0).path("node").asText()).isEqualTo("web-01");
        assertThat(api.post("/test/environments/" + id + "/run", "").status()).isEqualTo(409);
        api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + id)).DELETE());
        assertThat(api.get("/test/environments/" + id).status()).isEqualTo(404);
    }

    @Test
    void an_inline_cluster_topology_gets_its_own_network_and_its_nodes_reach_each_other_by_name() throws Exception {
        String body = """
                {"config": {"type": "cluster_topology", "cluster_type": "cache",
                  "topology": {"network": {"subnet": "10.123.45.0/28"},
                    "nodes": [{"name": "r1", "role": "primary", "taskservs": ["redis"], "resources": {"memory_mb": 96}},
                              {"name": "r2", "role": "replica", "taskservs": ["redis"]}],
                    "checks": [{"name": "r1_reaches_r2", "node": "r1", "argv": ["redis-cli", "-h", "r2", "ping"],
                                "expect": {"stdout_contains": "PONG"}}]}},
                 "auto_start": true}""";
        String id = create(api, body);
        Api.Reply clash = api.post("/test/environments/create", body);
        assertThat(clash.status()).as("%s", clash.body()).isEqualTo(409);
        assertThat(clash.error()).contains("10.123.45.0/28");
        JsonNode done = awaitStatus(api, id, Duration.ofSeconds(90), "Completed");
        assertThat(done.path("network").path("subnet").asText()).isEqualTo("10.123.45.0/28");
        assertThat(result(done, "r1_reaches_r2", "r1").path("passed").asBoolean()).isTrue();
        assertThat(exec(id, "r2", "getent", "hosts", "r1")).startsWith("0:10.123.45.");
        assertThat(DOCKER.inspect(Labels.dockerName(id, "r1")).labels()).containsEntry(Labels.ROLE, "primary");
        assertThat(DOCKER.inspect(Labels.dockerName(id, "r1")).memoryBytes()).isEqualTo(96L * 1024 * 1024);
        api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + id)).DELETE());
        assertNothingLeft(id);
    }

    @Test
    void a_node_that_dies_before_it_is_ready_fails_the_creation_with_its_last_log_lines() throws Exception {
        // etcd 3.4 exits at once when a flag is also given as an ETCD_* variable
        String id = create(api, "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"etcd\","
                + " \"environment\": {\"ETCD_NAME\": \"clash\"}}}");
        JsonNode failed = awaitStatus(api, id, Duration.ofSeconds(60), "Failed");
        assertThat(failed.path("error").asText()).contains("etcd on node etcd stopped before it was ready")
                .contains("conflicting environment variable");
        assertThat(failed.path("ready_at").isNull()).isTrue();
        assertThat(api.post("/test/environments/" + id + "/run", "").status()).isEqualTo(409);
        api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + id)).DELETE());
        assertNothingLeft(id);
    }

    @Test
    void an_environment_needing_kubernetes_fails_at_creation_with_the_catalogs_reason_and_makes_nothing()
            throws Exception {
        for (String body : List.of(
                "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"kubernetes\"}, \"auto_start\": true}",
                "{\"config\": {\"type\": \"server_simulation\", \"server_name\": \"web-01\", \"taskservs\": [\"containerd\", \"kubernetes\", \"cilium\"]}}",
                "{\"config\": {\"type\": \"cluster_topology\", \"template\": \"kubernetes_3node\"}}",
                "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"cilium\"}}")) {
            Api.Reply reply = api.post("/test/environments/create", body);
            assertThat(reply.status()).as("%s", reply.body()).isEqualTo(200);
            JsonNode env = reply.data();
            String id = env.path("id").asText();
            assertThat(env.path("status").asText()).isEqualTo("Failed");
            assertThat(env.path("error").asText()).contains("is not available here").doesNotContain("Exception");
            assertThat(env.path("containers")).isEmpty();
            assertThat(Environments.get(api, id).path("status").asText()).isEqualTo("Failed");
            assertNothingLeft(id);
            assertThat(api.post("/test/environments/" + id + "/run", "").status()).isEqualTo(409);
            api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + id)).DELETE());
            assertThat(api.get("/test/environments/" + id).status()).isEqualTo(404);
        }
        assertThat(api.post("/test/environments/create",
                "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"kubernetes\"}}").data()
                .path("error").asText()).contains("kubeadm");
        assertThat(api.post("/test/environments/create",
                "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"mysql\"}}").status()).isEqualTo(400);
    }

    @Test
    void bad_requests_get_a_4xx_and_one_sentence() throws Exception {
        assertThat(api.post("/test/environments/create", "{\"config\": {\"type\": \"vm\"}}").status()).isEqualTo(400);
        assertThat(api.post("/test/environments/create", "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\","
                + " \"node_name\": \"a b\"}}").status()).isEqualTo(400);
        assertThat(api.post("/test/environments/create", "not json").status()).isEqualTo(400);
        assertThat(api.get("/test/environments/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
        assertThat(api.get("/test/environments/../../etc").status()).isEqualTo(404);
        assertThat(api.post("/test/environments/00000000-0000-0000-0000-000000000000/run", "").status()).isEqualTo(404);
        assertThat(api.get("/test/environments/00000000-0000-0000-0000-000000000000/logs").status()).isEqualTo(404);
    }

    @Test
    void the_topology_templates_are_served_by_name() throws Exception {
        Api.Reply list = api.get("/test/topologies");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.data().findValuesAsText("name")).contains("kubernetes_3node", "kubernetes_single", "etcd_cluster",
                "containerd_test", "postgres_redis");
        JsonNode etcd = api.get("/test/topologies/etcd_cluster").data();
        assertThat(etcd.path("cluster_type").asText()).isEqualTo("etcd");
        assertThat(etcd.path("nodes").findValuesAsText("name")).containsExactly("etcd1", "etcd2", "etcd3");
        assertThat(api.get("/test/topologies/nope").status()).isEqualTo(404);
    }

    @Test
    void several_environments_created_at_once_come_up_each_on_its_own_network_and_isolated() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Callable<String>> creations = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            creations.add(() -> create(api, "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\"}}"));
        }
        for (int i = 0; i < 2; i++) {
            creations.add(() -> create(api, "{\"config\": {\"type\": \"cluster_topology\", \"template\": \"etcd_cluster\"}}"));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : pool.invokeAll(creations)) {
            ids.add(f.get());
        }
        pool.shutdown();
        List<JsonNode> envs = new ArrayList<>();
        for (String id : ids) {
            envs.add(awaitStatus(api, id, Duration.ofSeconds(180), "Ready"));
        }
        assertThat(envs.stream().map(e -> e.path("network").path("id").asText()).distinct()).hasSize(5);
        String etcdA = ids.get(3);
        String etcdB = ids.get(4);
        assertThat(envs.get(3).path("network").path("subnet").asText())
                .isNotEqualTo(envs.get(4).path("network").path("subnet").asText());
        assertThat(exec(etcdA, "etcd1", "etcdctl", "put", "who", "A")).startsWith("0:OK");
        assertThat(exec(etcdB, "etcd1", "etcdctl", "put", "who", "B")).startsWith("0:OK");
        assertThat(exec(etcdA, "etcd3", "etcdctl", "get", "who", "--print-value-only")).isEqualTo("0:A\n");
        assertThat(exec(etcdB, "etcd3", "etcdctl", "get", "who", "--print-value-only")).isEqualTo("0:B\n");
        assertThat(exec(ids.get(0), "redis", "redis-cli", "set", "who", "first")).startsWith("0:OK");
        assertThat(exec(ids.get(1), "redis", "redis-cli", "get", "who")).isEqualTo("0:\n");

        ExecutorService deleters = Executors.newFixedThreadPool(5);
        List<Callable<Integer>> deletes = new ArrayList<>();
        for (String id : ids) {
            deletes.add(() -> api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + id)).DELETE())
                    .status());
        }
        for (Future<Integer> f : deleters.invokeAll(deletes)) {
            assertThat(f.get()).isEqualTo(200);
        }
        deleters.shutdown();
        ids.forEach(Environments::assertNothingLeft);
    }
}
