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

/**
 * The test commands (compat, SPEC §6 and §7) through the CLI and the Nushell module, against the
 * real server. They need the Test Environment Service on the server: POST /test/environments/create,
 * GET /test/environments[/{id}], POST /test/environments/{id}/run, DELETE /test/environments/{id},
 * GET /test/environments/{id}/logs, GET /test/topologies[/{name}], and Docker with its images.
 */
class TestEnvironmentCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COMPAT_TEMPLATES = List.of(
            "kubernetes_3node", "kubernetes_single", "etcd_cluster", "containerd_test", "postgres_redis");
    private final RealOrchestrator server = RealOrchestrator.shared();
    private final Cli cli = Cli.against(server.url()).env("CI", "true");

    @Test
    void topology_list_names_the_compat_templates() {
        CliResult result = cli.run("test", "topology", "list");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains(COMPAT_TEMPLATES);
    }

    @Test
    void topology_load_shows_the_nodes_of_a_template() throws Exception {
        CliResult text = cli.run("test", "topology", "load", "etcd_cluster");
        CliResult json = cli.run("test", "topology", "load", "etcd_cluster", "-o", "json");
        CliResult unknown = cli.run("test", "topology", "load", "no_such_template");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("NODE", "ROLE", "TASKSERVS", "etcd");
        JsonNode template = JSON.readTree(json.out());
        JsonNode nodes = template.has("topology") ? template.path("topology").path("nodes") : template.path("nodes");
        assertThat(nodes).hasSize(3);
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.errLines()).hasSize(1);
    }

    @Test
    void an_environment_goes_from_create_to_run_to_cleanup() throws Exception {
        CliResult created = cli.run("-o", "json", "test", "env", "single", "redis", "--auto-start");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String id = JSON.readTree(created.out()).path("id").asText();
        try {
            CliResult list = cli.run("test", "env", "list");
            CliResult status = cli.run("test", "env", "status", id);
            CliResult run = cli.run("test", "env", "run", id);
            CliResult logs = cli.run("test", "env", "logs", id);

            assertThat(list.out()).contains(id);
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("id:", id, "status:");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("CHECK", "passed");
            assertThat(logs.exitCode()).as(logs.toString()).isZero();
        } finally {
            CliResult cleanup = cli.run("test", "env", "cleanup", id);
            assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
        }
        CliResult gone = cli.run("test", "env", "status", id);
        assertThat(gone.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void compat_test_env_single_postgres_with_auto_start_and_auto_cleanup() {
        CliResult result = cli.run("test", "env", "single", "postgres", "--auto-start", "--auto-cleanup");

        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    @Test
    void compat_test_env_server_with_a_nushell_style_list_of_taskservs() throws Exception {
        CliResult result = cli.run("-o", "json", "test", "env", "server", "web-01", "[containerd", "kubernetes",
                "cilium]", "--auto-start");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode environment = JSON.readTree(result.out());
        assertThat(environment.toString()).contains("containerd", "kubernetes", "cilium");
        cli.run("test", "env", "cleanup", environment.path("id").asText());
    }

    @Test
    void compat_test_quick_kubernetes_passes_and_leaves_nothing_behind() {
        CliResult result = cli.run("test", "quick", "kubernetes");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("CHECK", "passed").doesNotContain("FAILED");
    }

    @Test
    void an_unknown_environment_is_exit_4() {
        CliResult result = cli.run("test", "env", "status", "no-such-environment");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.errLines()).hasSize(1);
    }

    @Test
    void compat_nushell_pipeline_loads_a_topology_into_a_cluster_environment() throws Exception {
        CliResult result = nu("provisioning test topology load kubernetes_3node | test env cluster kubernetes");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode environment = JSON.readTree(result.out());
        assertThat(environment.path("id").asText()).isNotEmpty();
        assertThat(environment.toString()).contains("cluster_topology", "kubernetes");
        nu("provisioning test env cleanup " + environment.path("id").asText());
    }

    @Test
    void compat_nushell_test_quick_kubernetes() throws Exception {
        CliResult result = nu("provisioning test quick kubernetes");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode outcome = JSON.readTree(result.out());
        assertThat(outcome.path("passed").asBoolean()).as(result.out()).isTrue();
        assertThat(outcome.path("results").isArray()).isTrue();
    }

    @Test
    void compat_nushell_test_env_single_postgres() {
        CliResult result = nu("provisioning test env single postgres --auto-start --auto-cleanup");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("\"id\"");
    }

    @Test
    void compat_nushell_test_env_server_with_a_list_of_taskservs() throws Exception {
        CliResult result = nu("provisioning test env server web-01 [containerd kubernetes cilium] --auto-start");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode environment = JSON.readTree(result.out());
        assertThat(environment.toString()).contains("containerd", "kubernetes", "cilium");
        nu("provisioning test env cleanup " + environment.path("id").asText());
    }

    private CliResult nu(String pipeline) {
        String script = "use " + TestPaths.nushellModule() + " *; " + pipeline + " | to json -r";
        return Cli.against(server.url()).exec(List.of(TestPaths.nu().toString(), "-n", "-c", script), null);
    }
}
