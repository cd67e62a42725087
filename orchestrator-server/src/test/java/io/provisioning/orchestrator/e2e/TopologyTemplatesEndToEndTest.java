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
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The templates that run end to end here: etcd_cluster and postgres_redis. */
@ExtendWith(DockerAvailable.class)
class TopologyTemplatesEndToEndTest {
    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        server = Environments.startServer(dataDir);
        api = server.api();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void etcd_cluster_has_three_healthy_members_and_keeps_taking_writes_with_one_member_stopped() throws Exception {
        String id = create(api, "{\"config\": {\"type\": \"cluster_topology\", \"template\": \"etcd_cluster\"},"
                + " \"auto_start\": true}");
        JsonNode done = awaitStatus(api, id, Duration.ofSeconds(120), "Completed");
        assertThat(done.path("containers").findValuesAsText("node")).containsExactly("etcd1", "etcd2", "etcd3");
        assertThat(result(done, "cluster_health", "etcd1").path("output").asText())
                .contains("http://etcd1:2379 is healthy", "http://etcd2:2379 is healthy", "http://etcd3:2379 is healthy");
        for (String node : new String[] {"etcd1", "etcd2", "etcd3"}) {
            assertThat(result(done, "member_started", node).path("passed").asBoolean()).isTrue();
            assertThat(result(done, "get", node).path("passed").asBoolean()).isTrue();
        }
        JsonNode stopped = result(done, "write_with_one_member_stopped", "etcd1");
        assertThat(stopped.path("passed").asBoolean()).as("%s", stopped).isTrue();
        assertThat(stopped.path("output").asText()).contains("[stopped etcd3]", "OK", "[started etcd3 again");
        assertThat(result(done, "stopped_member_catches_up", "etcd3").path("passed").asBoolean()).isTrue();

        // and by hand: with etcd2 down the cluster reports it, and still commits writes
        DOCKER.stopContainer(Environments.container(id, "etcd2"), Duration.ofSeconds(10));
        assertThat(exec(id, "etcd1", "etcdctl", "endpoint", "health", "--cluster")).doesNotStartWith("0:");
        assertThat(exec(id, "etcd1", "etcdctl", "put", "by-hand", "yes")).startsWith("0:OK");
        assertThat(exec(id, "etcd3", "etcdctl", "get", "by-hand", "--print-value-only")).isEqualTo("0:yes\n");
        DOCKER.startContainer(Environments.container(id, "etcd2"));

        Api.Reply again = api.post("/test/environments/" + id + "/run", "");
        assertThat(again.status()).as("%s", again.body()).isEqualTo(200);
        assertThat(again.data().path("status").asText()).as("%s", again.data().path("results")).isEqualTo("Completed");
        assertThat(again.data().path("runs").asInt()).isEqualTo(2);
        api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + id)).DELETE());
        assertNothingLeft(id);
    }

    @Test
    void postgres_and_redis_reach_each_other_by_name_from_the_other_node() throws Exception {
        String id = create(api, "{\"config\": {\"type\": \"cluster_topology\", \"template\": \"postgres_redis\"},"
                + " \"auto_start\": true}");
        JsonNode done = awaitStatus(api, id, Duration.ofSeconds(120), "Completed");
        assertThat(result(done, "query", "pg").path("output").asText()).isEqualTo("1");
        assertThat(result(done, "ping", "cache").path("output").asText()).isEqualTo("PONG");
        assertThat(result(done, "cache_reaches_pg", "cache").path("passed").asBoolean()).isTrue();
        assertThat(result(done, "pg_reaches_cache", "pg").path("output").asText()).contains("+PONG");
        String subnetPrefix = done.path("network").path("subnet").asText().replaceFirst("\\.0/\\d+$", ".");
        assertThat(exec(id, "cache", "getent", "hosts", "pg")).startsWith("0:" + subnetPrefix);
        assertThat(exec(id, "pg", "getent", "hosts", "cache")).startsWith("0:" + subnetPrefix);
        api.send(HttpRequest.newBuilder(URI.create(api.base() + "/test/environments/" + id)).DELETE());
        assertNothingLeft(id);
    }
}
