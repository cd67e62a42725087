package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.cli.support.Api;
import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code provisioning workflow ...} against the real server running the real nu. */
class WorkflowCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RealOrchestrator server = RealOrchestrator.shared();
    private final Cli cli = Cli.against(server.url()).env("CI", "true");
    private final Api api = new Api(server.url());

    @Test
    void submits_a_servers_workflow_and_prints_only_the_task_id() {
        CliResult result = cli.run("workflow", "servers", "create", "--infra", "production", "web-01", "web-02");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String id = result.out().strip();
        assertThat(id).matches("[0-9a-f-]{36}");
        JsonNode task = api.awaitStatus(id, "Completed");
        assertThat(task.path("args").toString()).contains("\"servers\",\"create\"", "\"--infra\",\"production\"",
                "\"web-01\",\"web-02\"");
    }

    @Test
    void the_original_example_runs_as_one_command_that_waits_for_the_end() {
        CliResult result = cli.run("workflow", "servers", "create", "--infra", "production",
                "--settings", "./settings.yaml", "--wait", "web-01", "web-02");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("web-02 created").endsWith("Completed\n");
        String id = result.out().lines().filter(l -> l.endsWith("Completed")).findFirst().orElseThrow().split(" ")[1];
        assertThat(api.task(id).path("args").toString()).contains("\"--settings\",\"./settings.yaml\"", "\"--wait\"");
    }

    @Test
    void waiting_on_a_task_that_fails_exits_1_with_its_error_on_one_line() {
        CliResult result = cli.run("workflow", "servers", "create", "--infra", "production", "--wait", "fail-w1");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("provisioning: task ").contains("Failed", "fail-w1 could not be created");
    }

    @Test
    void taskserv_and_cluster_workflows_send_their_fields() {
        CliResult taskserv = cli.run("-o", "json", "workflow", "taskserv", "create", "postgres", "db-01",
                "--infra", "production", "--check", "--priority", "high", "--max-attempts", "2",
                "--timeout-seconds", "60");
        CliResult cluster = cli.run("workflow", "cluster", "create", "kubernetes", "--infra", "production");

        assertThat(taskserv.exitCode()).as(taskserv.toString()).isZero();
        JsonNode task = api.task(read(taskserv.out()).path("task_id").asText());
        assertThat(task.path("args").toString()).contains("\"taskserv\",\"create\",\"postgres\"", "\"--check\"",
                "\"db-01\"");
        assertThat(task.path("priority").asInt()).isEqualTo(75);
        assertThat(task.path("max_attempts").asInt()).isEqualTo(2);
        assertThat(task.path("timeout_seconds").asInt()).isEqualTo(60);
        assertThat(cluster.exitCode()).as(cluster.toString()).isZero();
        assertThat(api.task(cluster.out().strip()).path("args").toString())
                .contains("\"cluster\",\"create\",\"kubernetes\"");
    }

    @Test
    void names_written_as_a_nushell_list_are_taken_as_names() {
        CliResult result = cli.run("workflow", "servers", "create", "--infra", "production", "[web-05", "web-06]");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(api.task(result.out().strip()).path("args").toString()).contains("\"web-05\",\"web-06\"");
    }

    @Test
    void the_same_idempotency_key_gives_the_same_task() {
        List<String> args = List.of("workflow", "servers", "create", "--infra", "production",
                "--idempotency-key", "cli-test-key-1", "web-07");
        String first = cli.run(args.toArray(String[]::new)).out().strip();
        String second = cli.run(args.toArray(String[]::new)).out().strip();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void input_the_server_rejects_is_one_line_and_exit_2() {
        CliResult result = cli.run("workflow", "servers", "create", "--infra", "production",
                "--settings", "../../etc/passwd", "web-01");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("provisioning: field 'settings'");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void a_missing_required_option_is_a_usage_error() {
        CliResult result = cli.run("workflow", "servers", "create", "web-01");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).contains("--infra").contains("provisioning workflow servers create --help");
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
