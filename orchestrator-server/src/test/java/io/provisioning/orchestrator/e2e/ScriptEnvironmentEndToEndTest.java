package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real script printing its whole environment ({@code env}) sees the allow-list (PATH, HOME,
 * LANG, PROVISIONING_*, what {@code --script-env} names) and none of the server's secrets.
 */
class ScriptEnvironmentEndToEndTest {
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void startServer() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        server = ServerProcess.startWithEnvironment(Map.of(
                        "ORCHESTRATOR_DB_TOKEN", "hunter2-db-token",
                        "AWS_SECRET_ACCESS_KEY", "aws-secret-value",
                        "SURREALDB_PASSWORD", "surreal-secret-value",
                        "PROVISIONING_REGION", "eu-test-1",
                        "OPERATOR_CHOSEN", "passed-on",
                        "LANG", "C.UTF-8"),
                dataDir, workspace,
                Components.repoRoot().resolve("orchestrator-server/src/test/resources/fixtures/limits.nu"),
                "--workers", "1", "--script-env", "OPERATOR_CHOSEN");
        api = server.api();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void a_script_printing_its_environment_sees_the_allow_list_and_no_secret() throws Exception {
        String id = api.createServers("", "env-01");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals("Completed"));
        JsonNode logs = api.get("/tasks/" + id + "/logs").data();
        StringBuilder printed = new StringBuilder();
        logs.get(0).path("lines").forEach(l -> printed.append(l.path("line").asText()).append('\n'));
        String env = printed.toString();

        assertThat(env).contains("PATH=", "HOME=", "LANG=C.UTF-8\n", "PROVISIONING_TASK_ID=" + id + "\n",
                "PROVISIONING_ATTEMPT=1\n", "PROVISIONING_REGION=eu-test-1\n", "OPERATOR_CHOSEN=passed-on\n");
        assertThat(env).doesNotContain("hunter2-db-token", "aws-secret-value", "surreal-secret-value",
                "ORCHESTRATOR_DB_TOKEN", "AWS_SECRET_ACCESS_KEY", "SURREALDB_PASSWORD", "JAVA_HOME=");
    }
}
