package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.cli.support.Api;
import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code provisioning task ...} against the real server. cancel, retry, logs and the streamed log
 * lines of watch need POST /tasks/{id}/cancel, POST /tasks/{id}/retry, GET /tasks/{id}/logs and
 * GET /tasks/{id}/events on the server.
 */
class TaskCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RealOrchestrator server = RealOrchestrator.shared();
    private final Cli cli = Cli.against(server.url()).env("CI", "true");
    private final Api api = new Api(server.url());

    @Test
    void lists_tasks_newest_first_as_a_table_and_as_json() throws Exception {
        String older = api.submitServers("web-l1");
        String newer = api.submitServers("web-l2");
        api.awaitStatus(newer, "Completed");
        api.awaitStatus(older, "Completed");

        CliResult table = cli.run("task", "list", "--status", "completed", "--limit", "1000");
        CliResult json = cli.run("task", "list", "--limit", "2", "-o", "json");

        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow())
                .startsWith("ID").contains("STATUS", "PROGRESS", "ATTEMPTS", "CREATED", "NAME");
        assertThat(table.out().indexOf(newer)).isPositive().isLessThan(table.out().indexOf(older));
        JsonNode rows = JSON.readTree(json.out());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).has("status")).isTrue();
    }

    @Test
    void shows_one_task_with_its_command_line() throws Exception {
        String id = api.submitServers("web-s1");
        api.awaitStatus(id, "Completed");

        CliResult text = cli.run("task", "show", id);
        CliResult json = cli.run("task", "show", id, "--output", "json");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("status:", "Completed", "100% web-s1 created", "servers create --infra production");
        assertThat(JSON.readTree(json.out()).path("id").asText()).isEqualTo(id);
    }

    @Test
    void an_unknown_task_is_exit_4_with_one_line() {
        CliResult result = cli.run("task", "show", "00000000-0000-0000-0000-000000000000");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.errLines()).containsExactly(
                "provisioning: task 00000000-0000-0000-0000-000000000000 not found");
    }

    @Test
    void watch_of_a_finished_task_reports_its_end_at_once() {
        String ok = api.submitServers("web-w1");
        String failed = api.submitServers("fail-w2");
        api.awaitStatus(ok, "Completed");
        api.awaitStatus(failed, "Failed");

        CliResult completed = cli.run("task", "watch", ok);
        CliResult failure = cli.run("task", "watch", failed);

        assertThat(completed.exitCode()).isZero();
        assertThat(completed.out()).endsWith("task " + ok + " Completed\n");
        assertThat(failure.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(failure.errLines()).hasSize(1);
        assertThat(failure.err()).contains(failed, "Failed", "fail-w2 could not be created");
    }

    @Test
    void watch_follows_a_running_task_to_its_end() {
        String id = api.submitServers("hold-w3");
        CompletableFuture<CliResult> watch = CompletableFuture.supplyAsync(() -> cli.run("task", "watch", id));
        await().atMost(Duration.ofSeconds(60)).until(() -> api.task(id).path("progress").path("percent").asInt() > 5);
        server.release("hold-w3");

        CliResult result = watch.join();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out().lines().filter(l -> l.contains("hold-w3 holding")).count()).isGreaterThan(3);
        assertThat(result.out()).endsWith("task " + id + " Completed\n");
    }

    @Test
    void watch_with_logs_shows_the_script_lines_as_they_come() {
        // needs GET /tasks/{id}/events: log lines only come through the event stream
        String id = api.submitServers("hold-w4", "web-w4");
        CompletableFuture<CliResult> watch = CompletableFuture.supplyAsync(() -> cli.run("task", "watch", id, "--logs"));
        await().atMost(Duration.ofSeconds(60)).until(() -> api.task(id).path("progress").path("percent").asInt() > 5);
        server.release("hold-w4");

        CliResult result = watch.join();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("  | servers create on production", "  | created web-w4");
    }

    @Test
    void watch_with_logs_of_a_finished_task_prints_its_whole_log() {
        // needs GET /tasks/{id}/logs
        String id = api.submitServers("web-w5");
        api.awaitStatus(id, "Completed");

        CliResult result = cli.run("task", "watch", id, "--logs");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("  | servers create on production", "  | created web-w5")
                .endsWith("task " + id + " Completed\n");
    }

    @Test
    void with_json_output_watch_prints_the_final_task_and_keeps_progress_on_stderr() throws Exception {
        String id = api.submitServers("web-j1");

        CliResult result = cli.run("-o", "json", "task", "watch", id);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode task = JSON.readTree(result.out());
        assertThat(task.path("id").asText()).isEqualTo(id);
        assertThat(task.path("status").asText()).isEqualTo("Completed");
        assertThat(result.err()).contains("task " + id + " Completed");
    }

    @Test
    void cancel_kills_a_running_task() {
        // needs POST /tasks/{id}/cancel
        String id = api.submitServers("hold-c1");
        api.awaitStatus(id, "Running");

        CliResult result = cli.run("task", "cancel", id);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        // the answer comes while the process is being stopped, or just after
        assertThat(result.out()).matches("task " + id + " (cancelling: its processes are being stopped|Cancelled)\n");
        api.awaitStatus(id, "Cancelled");
        assertThat(cli.run("task", "cancel", id).out()).isEqualTo("task " + id + " Cancelled\n");
    }

    @Test
    void cancelling_a_task_that_already_completed_is_refused_with_exit_2() {
        // needs POST /tasks/{id}/cancel
        String id = api.submitServers("web-c2");
        api.awaitStatus(id, "Completed");

        CliResult result = cli.run("task", "cancel", id);

        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.errLines()).containsExactly("provisioning: task " + id
                + " already ended Completed; there is nothing to cancel");
    }

    @Test
    void retry_runs_a_failed_task_again() {
        // needs POST /tasks/{id}/retry
        String id = api.submitServers("fail-r1");
        api.awaitStatus(id, "Failed");

        CliResult result = cli.run("task", "retry", id, "--wait");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(api.task(id).path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void logs_prints_what_the_script_wrote_in_each_attempt() throws Exception {
        // needs GET /tasks/{id}/logs
        String id = api.submitServers("web-g1");
        api.awaitStatus(id, "Completed");

        CliResult text = cli.run("task", "logs", id);
        CliResult json = cli.run("task", "logs", id, "-o", "json");
        CliResult missing = cli.run("task", "logs", id, "--attempt", "7");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("servers create on production", "created web-g1");
        JsonNode attempts = JSON.readTree(json.out());
        assertThat(attempts.get(0).path("attempt").asInt()).isEqualTo(1);
        assertThat(attempts.get(0).path("lines").get(0).has("stream")).isTrue();
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }
}
