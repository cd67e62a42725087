package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import io.provisioning.orchestrator.cli.support.TestPaths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI and the Nushell module on a fresh install: the shipped library and example workspace. */
class ShippedLibraryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RealOrchestrator server = RealOrchestrator.withShippedLibrary();
    private final Cli cli = Cli.against(server.url()).env("CI", "true");

    @Test
    void the_original_example_creates_two_servers_and_waits_for_them() {
        CliResult result = cli.run("workflow", "servers", "create", "--infra", "production",
                "--settings", "./settings.yaml", "--wait", "web-01", "web-02");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains(" Running ", "%").endsWith(" Completed\n");
        String id = result.out().strip().lines().reduce((a, b) -> b).orElseThrow().split(" ")[1];
        CliResult logs = cli.run("task", "logs", id);
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out()).contains("web-01", "web-02");
    }

    @Test
    void a_cluster_waits_for_the_tasks_it_was_expanded_into() {
        CliResult result = cli.run("workflow", "cluster", "create", "kubernetes", "--infra", "production", "--wait");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains(" Pending ").endsWith(" Completed\n");
    }

    @Test
    void the_nushell_module_installs_a_taskserv_on_a_server_it_created() throws Exception {
        String pipeline = "use " + TestPaths.nushellModule() + " *; "
                + "provisioning workflow servers create --infra production db-01 --wait | ignore; "
                + "provisioning workflow taskserv create postgres db-01 --infra production --wait "
                + "| select status progress | to json -r";
        CliResult result = cli.exec(List.of(TestPaths.nu().toString(), "-n", "-c", pipeline), null);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode task = JSON.readTree(result.out());
        assertThat(task.path("status").asText()).isEqualTo("Completed");
        assertThat(task.path("progress").path("percent").asInt()).isEqualTo(100);
    }
}
