package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without Docker or without a catalog the server still serves, and the test routes say why they cannot. */
class TestEnvironmentsUnavailableEndToEndTest {
    @TempDir
    Path dataDir;

    @Test
    void without_a_docker_daemon_creating_answers_503_naming_where_docker_was_looked_for() throws Exception {
        try (ServerProcess server = Environments.startServer(dataDir, "--docker-host", "unix:///nonexistent/docker.sock")) {
            Api.Reply reply = server.api().post("/test/environments/create",
                    "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\"}}");
            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.error()).contains("Docker is not reachable at unix:///nonexistent/docker.sock");
            assertThat(server.api().get("/test/topologies").status()).isEqualTo(200);
            assertThat(server.api().get("/test/environments").data().size()).isZero();
        }
    }

    @Test
    void without_a_catalog_the_test_routes_answer_503_and_the_rest_of_the_server_works() throws Exception {
        Path root = Components.repoRoot();
        try (ServerProcess server = ServerProcess.start(dataDir, root.resolve("workspace"),
                root.resolve("provisioning/main.nu"))) {
            Api.Reply reply = server.api().get("/test/environments");
            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.error()).contains("test environments are not available");
            assertThat(server.api().get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void a_broken_catalog_given_on_the_command_line_stops_the_server_with_one_line(@TempDir Path dir) throws Exception {
        Path catalog = dir.resolve("catalog.yaml");
        java.nio.file.Files.writeString(catalog, "taskservs:\n  redis:\n    imgae: x\n");
        Path root = Components.repoRoot();
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "io.provisioning.orchestrator.server.OrchestratorMain",
                "--port", "0", "--data-dir", dataDir.toString(), "--workspace", root.resolve("workspace").toString(),
                "--provisioning-path", root.resolve("provisioning/main.nu").toString(),
                "--testenv-catalog", catalog.toString()).redirectErrorStream(true).start();
        boolean exited = process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(exited).as("the server should have refused to start:\n%s", output).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("orchestrator: " + catalog).contains("imgae");
    }
}
