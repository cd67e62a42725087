package io.provisioning.orchestrator.e2e;

import static io.provisioning.orchestrator.e2e.Environments.DOCKER;
import static io.provisioning.orchestrator.e2e.Environments.awaitStatus;
import static io.provisioning.orchestrator.e2e.Environments.create;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.TestKeys;
import io.provisioning.orchestrator.testenv.DockerAvailable;
import io.provisioning.orchestrator.testenv.Labels;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Least privilege for test environments, on the real server and the real Docker daemon: the
 * {@code nested} profile, a foreign base_image and inline check commands are refused (403) to an
 * operator, and to an admin too unless the server was started with --allow-privileged-testenv; what
 * is refused makes nothing in Docker; every container gets a pids and a memory limit.
 */
@ExtendWith(DockerAvailable.class)
class TestEnvironmentPrivilegesEndToEndTest {
    private static final String NESTED = """
            {"config": {"type": "single_taskserv", "taskserv": "containerd", "profile": "nested"},
             "infra": "dev", "auto_start": false, "auto_cleanup": false}""";
    private static final String FOREIGN_IMAGE = """
            {"config": {"type": "single_taskserv", "taskserv": "redis", "base_image": "docker.io/library/alpine:3"},
             "infra": "dev"}""";
    private static final String INLINE_CHECKS = """
            {"config": {"type": "cluster_topology", "cluster_type": "redis_pair",
              "topology": {"nodes": [{"name": "r1", "taskservs": ["redis"]}],
                           "checks": [{"name": "host_root", "node": "r1", "argv": ["sh", "-c", "cat /etc/shadow"],
                                       "expect": {"exit_code": 0}}]}},
             "infra": "dev"}""";
    @TempDir static Path plainData;
    @TempDir static Path allowingData;
    @TempDir static Path keys;
    static ServerProcess plain;
    static ServerProcess allowing;

    @BeforeAll
    static void start() throws Exception {
        Path secret = TestKeys.secretFile(keys, "jwt.secret");
        plain = Environments.startServer(plainData, "--auth-hs256-secret-file", secret.toString());
        allowing = Environments.startServer(allowingData, "--auth-hs256-secret-file", secret.toString(),
                "--allow-privileged-testenv");
    }

    @AfterAll
    static void stop() throws Exception {
        for (var pair : Map.of(plain, plainData, allowing, allowingData).entrySet()) {
            if (pair.getKey() == null) {
                continue;
            }
            pair.getKey().close();
            String owner = Environments.owner(pair.getValue());
            assertThat(DOCKER.listContainers(Map.of(Labels.OWNER, owner))).as("containers left").isEmpty();
            assertThat(DOCKER.listNetworks(Map.of(Labels.OWNER, owner))).as("networks left").isEmpty();
        }
    }

    @Test
    void without_the_flag_privileged_requests_are_refused_to_operators_and_admins_and_nothing_is_made() throws Exception {
        Path secret = keys.resolve("jwt.secret");
        Api operator = plain.api().withToken(Tokens.hs256(secret, Role.OPERATOR, "alice"));
        Api admin = plain.api().withToken(Tokens.hs256(secret, Role.ADMIN, "root"));
        for (Api caller : new Api[] {operator, admin}) {
            assertRefused(caller, NESTED, "this server does not create privileged test environments (config.profile "
                    + "nested (privileged: added capabilities or no seccomp/AppArmor)): start it with "
                    + "--allow-privileged-testenv and ask as an admin");
            assertRefused(caller, FOREIGN_IMAGE, "this server does not create privileged test environments "
                    + "(config.base_image docker.io/library/alpine:3 (not an image of the catalog)): start it with "
                    + "--allow-privileged-testenv and ask as an admin");
            assertRefused(caller, INLINE_CHECKS, "this server does not create privileged test environments "
                    + "(inline check commands (host_root)): start it with --allow-privileged-testenv and ask as an admin");
        }
        assertThat(admin.get("/test/environments").data()).as("no environment recorded").isEmpty();
        String owner = Environments.owner(plainData);
        assertThat(DOCKER.listContainers(Map.of(Labels.OWNER, owner))).as("nothing made in Docker").isEmpty();
        assertThat(DOCKER.listNetworks(Map.of(Labels.OWNER, owner))).as("no network made").isEmpty();
    }

    @Test
    void with_the_flag_only_an_admin_gets_the_nested_profile() throws Exception {
        Path secret = keys.resolve("jwt.secret");
        Api operator = allowing.api().withToken(Tokens.hs256(secret, Role.OPERATOR, "alice"));
        Api admin = allowing.api().withToken(Tokens.hs256(secret, Role.ADMIN, "root"));
        assertRefused(operator, NESTED, "only an admin may create a test environment with config.profile nested "
                + "(privileged: added capabilities or no seccomp/AppArmor)");
        assertRefused(operator, INLINE_CHECKS, "only an admin may create a test environment with inline check "
                + "commands (host_root)");
        String id = create(admin, NESTED);
        awaitStatus(admin, id, Duration.ofSeconds(90), "Ready");
        assertThat(admin.send(HttpRequest.newBuilder(URI.create(admin.base() + "/test/environments/" + id)).DELETE())
                .status()).isEqualTo(200);
        Environments.awaitNothingLeft(id, Duration.ofSeconds(30));
    }

    @Test
    void an_unprivileged_environment_is_open_to_operators_and_its_container_has_a_pids_and_memory_limit() throws Exception {
        Path secret = keys.resolve("jwt.secret");
        Api operator = plain.api().withToken(Tokens.hs256(secret, Role.OPERATOR, "alice"));
        String id = create(operator, """
                {"config": {"type": "single_taskserv", "taskserv": "redis"}, "infra": "dev",
                 "auto_start": false, "auto_cleanup": false}""");
        JsonNode ready = awaitStatus(operator, id, Duration.ofSeconds(60), "Ready");
        var state = DOCKER.inspect(ready.path("containers").get(0).path("id").asText());
        assertThat(state.pidsLimit()).as("pids limit").isEqualTo(1024);
        assertThat(state.memoryBytes()).as("memory limit").isPositive();
        assertThat(operator.send(HttpRequest.newBuilder(URI.create(operator.base() + "/test/environments/" + id)).DELETE())
                .status()).isEqualTo(200);
        Environments.awaitNothingLeft(id, Duration.ofSeconds(30));
    }

    private static void assertRefused(Api caller, String body, String message) throws Exception {
        Api.Reply reply = caller.post("/test/environments/create", body);
        assertThat(reply.status()).as("%s answered %s", body, reply.body()).isEqualTo(403);
        assertThat(reply.error()).isEqualTo(message);
    }
}
