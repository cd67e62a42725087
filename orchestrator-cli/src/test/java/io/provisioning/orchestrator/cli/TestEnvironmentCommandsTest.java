package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * GET /test/environments/{id}/logs, GET /test/topologies[/{name}], and Docker with the images of
 * docker/build-images.sh.
 *
 * <p>kubernetes and cilium are not available on this machine (docker/taskservs/catalog.yaml): the
 * original's kubernetes examples must run as written and end in a clear failure naming why.
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
        assertThat(text.out()).contains("NODE", "ROLE", "TASKSERVS", "etcd1", "etcd2", "etcd3");
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
            assertThat(run.out()).contains("CHECK", "ping", "passed").doesNotContain("FAILED");
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
    void compat_test_env_server_runs_as_written_and_says_kubernetes_is_not_available_here() throws Exception {
        CliResult result = cli.run("-o", "json", "test", "env", "server", "web-01", "[containerd", "kubernetes",
                "cilium]", "--auto-start");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("provisioning: environment ").contains("Failed", "kubernetes");
        JsonNode environment = JSON.readTree(result.out());
        assertThat(environment.toString()).contains("containerd", "kubernetes", "cilium");
        cli.run("test", "env", "cleanup", environment.path("id").asText());
    }

    @Test
    void a_server_simulation_with_available_taskservs_passes() throws Exception {
        CliResult result = cli.run("-o", "json", "test", "env", "server", "web-02", "[etcd", "redis]", "--auto-start");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        cli.run("test", "env", "cleanup", JSON.readTree(result.out()).path("id").asText());
    }

    @Test
    void compat_test_quick_runs_as_written_and_passes_for_an_available_taskserv() {
        CliResult kubernetes = cli.run("test", "quick", "kubernetes");
        CliResult redis = cli.run("test", "quick", "redis");

        assertThat(kubernetes.exitCode()).as(kubernetes.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(kubernetes.errLines()).hasSize(1);
        assertThat(kubernetes.err()).contains("kubernetes");
        assertThat(redis.exitCode()).as(redis.toString()).isZero();
        assertThat(redis.out()).contains("CHECK", "passed").doesNotContain("FAILED");
    }

    @Test
    void a_cluster_comes_from_the_template_made_for_its_type_or_from_stdin() throws Exception {
        CliResult byType = cli.run("-o", "json", "test", "env", "cluster", "etcd", "--auto-start");
        assertThat(byType.exitCode()).as(byType.toString()).isZero();
        assertThat(byType.out()).contains("etcd1", "etcd2", "etcd3");
        String first = JSON.readTree(byType.out()).path("id").asText();
        CliResult run = cli.run("test", "env", "run", first);
        cli.run("test", "env", "cleanup", first);
        // a topology given on stdin is the user's own: its subnet is taken as asked, and any other
        // environment on this Docker host may hold the template's default; let Docker choose instead
        JsonNode loaded = JSON.readTree(cli.run("-o", "json", "test", "topology", "load", "postgres_redis").out());
        loaded.findParents("subnet").forEach(parent -> ((ObjectNode) parent)
                .remove("subnet"));
        assertThat(loaded.findParents("subnet")).isEmpty();
        String template = JSON.writeValueAsString(loaded);
        CliResult fromStdin = Cli.against(server.url()).env("CI", "true").stdin(template)
                .run("-o", "json", "test", "env", "cluster", "postgres_redis", "--topology", "-");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("write_with_one_member_stopped");
        assertThat(fromStdin.exitCode()).as(fromStdin.toString()).isZero();
        cli.run("test", "env", "cleanup", JSON.readTree(fromStdin.out()).path("id").asText());
    }

    @Test
    void a_cluster_type_with_several_templates_asks_which_one() {
        CliResult result = cli.run("test", "env", "cluster", "kubernetes");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.errLines()).containsExactly("provisioning: several topology templates are made for cluster "
                + "type kubernetes (kubernetes_3node, kubernetes_single); choose one with --topology");
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
        assertThat(environment.toString()).contains("cluster_topology", "cp-01", "worker-02");
        nu("provisioning test env cleanup " + environment.path("id").asText());
    }

    @Test
    void nushell_pipeline_with_an_available_topology_gives_a_ready_cluster_whose_checks_pass() throws Exception {
        CliResult created = nu("provisioning test topology load etcd_cluster | test env cluster etcd --auto-start");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String id = JSON.readTree(created.out()).path("id").asText();
        CliResult run = nu("provisioning test env run " + id);
        nu("provisioning test env cleanup " + id);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode answer = JSON.readTree(run.out());
        JsonNode results = answer.isArray() ? answer : answer.path("results");
        assertThat(results).isNotEmpty().allMatch(r -> r.path("passed").asBoolean());
    }

    @Test
    void compat_nushell_test_quick() throws Exception {
        CliResult kubernetes = nu("provisioning test quick kubernetes");
        CliResult redis = nu("provisioning test quick redis");

        assertThat(kubernetes.exitCode()).isNotZero();
        assertThat(kubernetes.err()).contains("provisioning: ", "kubernetes");
        assertThat(redis.exitCode()).as(redis.toString()).isZero();
        JsonNode outcome = JSON.readTree(redis.out());
        assertThat(outcome.path("passed").asBoolean()).as(redis.out()).isTrue();
        assertThat(outcome.path("results")).isNotEmpty();
    }

    @Test
    void compat_nushell_test_env_single_postgres() throws Exception {
        CliResult result = nu("provisioning test env single postgres --auto-start --auto-cleanup");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(JSON.readTree(result.out()).path("id").asText()).isNotEmpty();
    }

    @Test
    void compat_nushell_test_env_server_with_a_list_of_taskservs() throws Exception {
        CliResult result = nu("provisioning test env server web-01 [containerd kubernetes cilium] --auto-start");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode environment = JSON.readTree(result.out());
        assertThat(environment.path("status").asText()).isEqualTo("Failed");
        assertThat(environment.toString()).contains("containerd", "kubernetes", "cilium");
        nu("provisioning test env cleanup " + environment.path("id").asText());
    }

    @Test
    void prune_in_the_cli_and_the_module_removes_what_a_deleted_data_dir_left_and_says_so() throws Exception {
        String forCli = leftoverNetwork();
        String forModule = leftoverNetwork();
        try {
            CliResult pruned = cli.run("test", "env", "prune");
            assertThat(pruned.exitCode()).as(pruned.toString()).isZero();
            assertThat(pruned.out()).contains("removed network " + forCli.split(" ")[0] + " of environment "
                    + forCli.split(" ")[1] + ": its data dir " + forCli.split(" ")[2] + " no longer exists");
            assertThat(docker("network", "ls", "-q", "--filter", "name=" + forModule.split(" ")[0]).strip())
                    .as("the CLI pruned every leftover, the module's too").isEmpty();
            String again = leftoverNetwork();
            CliResult module = nu("provisioning test env prune");
            assertThat(module.exitCode()).as(module.toString()).isZero();
            JsonNode removed = JSON.readTree(module.out());
            assertThat(removed.toString()).contains("\"kind\":\"network\"", "\"name\":\"" + again.split(" ")[0] + "\"",
                    "its data dir " + again.split(" ")[2] + " no longer exists");
            assertThat(cli.run("test", "env", "prune").out()).doesNotContain(again.split(" ")[0]);
        } finally {
            docker("network", "rm", forCli.split(" ")[0]);
            docker("network", "rm", forModule.split(" ")[0]);
        }
    }

    /** A managed network whose owner's data dir does not exist, as a deleted data dir leaves one: "name env datadir". */
    private static String leftoverNetwork() throws Exception {
        String env = java.util.UUID.randomUUID().toString();
        String owner = java.util.UUID.randomUUID().toString().replace("-", "");
        String dataDir = "/tmp/deleted-data-dir-" + owner.substring(0, 8);
        String name = "te-" + env.replace("-", "").substring(0, 12);
        docker("network", "create", "--label", "io.provisioning.managed=true", "--label",
                "io.provisioning.testenv.owner=" + owner, "--label", "io.provisioning.testenv.owner-home=" + dataDir
                        + "/testenv", "--label", "io.provisioning.testenv=" + env, name);
        return name + " " + env + " " + dataDir;
    }

    private static String docker(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    private CliResult nu(String pipeline) {
        String script = "use " + TestPaths.nushellModule() + " *; " + pipeline + " | to json -r";
        return Cli.against(server.url()).exec(List.of(TestPaths.nu().toString(), "-n", "-c", script), null);
    }
}
