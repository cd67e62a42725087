package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.cli.support.Api;
import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live display of waiting commands, seen the way a user sees it: the CLI runs as its own
 * process under script(1), which gives it a pseudo-terminal, against the real server.
 */
class ProgressDisplayTest {
    private static final String REDRAW = "\r\033[K";
    private final RealOrchestrator server = RealOrchestrator.shared();
    private final Cli cli = Cli.against(server.url());
    private final Api api = new Api(server.url());

    @BeforeAll
    static void scriptIsInstalled() {
        assertThat(Files.isExecutable(Path.of("/usr/bin/script")))
                .as("script(1) from util-linux gives these tests a pseudo-terminal").isTrue();
    }

    @Test
    void on_a_terminal_watch_redraws_one_bar_in_place_and_ends_the_line() {
        String id = api.submitServers("hold-p1");

        Cli.Running watch = cli.startInPseudoTerminal("", "task", "watch", id);
        await().atMost(Duration.ofSeconds(60)).until(() -> countOf(watch.outputSoFar(), REDRAW) > 3);
        server.release("hold-p1");
        CliResult result = watch.result();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String screen = result.out();
        assertThat(screen).contains("Running   [#", "] ", "hold-p1 holding");
        assertThat(screen).contains("Completed [########################] 100%  hold-p1 released");
        assertThat(screen).doesNotContain("task " + id + " Running");
        // the bar's last state stays on screen, then the summary on a line of its own
        assertThat(screen.stripTrailing()).endsWith("task " + id + " Completed");
    }

    @Test
    void on_a_terminal_workflow_wait_draws_the_bar_too() {
        CliResult result = cli.inPseudoTerminal("", "workflow", "servers", "create", "--infra", "production",
                "--wait", "web-p2", "web-p3");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains(REDRAW, "Completed [########################] 100%");
    }

    @Test
    void into_a_pipe_watch_prints_plain_lines() {
        String id = api.submitServers("hold-p4");

        Cli.Running watch = cli.startInPseudoTerminal("| cat", "task", "watch", id);
        await().atMost(Duration.ofSeconds(60)).until(() -> watch.outputSoFar().contains("hold-p4 holding"));
        server.release("hold-p4");
        CliResult result = watch.result();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).doesNotContain("\r\033").doesNotContain("[#");
        assertThat(result.out()).contains("task " + id + " Running", "hold-p4 holding", "hold-p4 released");
    }

    @Test
    void in_ci_a_terminal_still_gets_plain_lines() {
        String id = api.submitServers("web-p5");

        CliResult result = Cli.against(server.url()).env("CI", "true").inPseudoTerminal("", "task", "watch", id);

        assertThat(result.out()).doesNotContain("\033[K").contains("task " + id + " Completed");
    }

    @Test
    void progress_bar_can_be_forced_without_a_terminal() {
        String id = api.submitServers("web-p6");

        CliResult result = Cli.against(server.url()).run("--progress", "bar", "task", "watch", id);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains(REDRAW, "100%", "web-p6 created");
    }

    @Test
    void a_failed_task_leaves_the_bar_and_one_error_line() {
        String id = api.submitServers("fail-p7");

        CliResult result = cli.inPseudoTerminal("", "task", "watch", id);

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("Failed    [#######-----------------]  30%  fail-p7 half way");
        // stderr shares the terminal: the one error line follows the bar's last state
        assertThat(countOf(result.out(), "provisioning: ")).isEqualTo(1);
        assertThat(result.out()).contains("30%  fail-p7 half way\r\nprovisioning: task " + id
                + " Failed: exit code 1: error: fail-p7 could not be created");
    }

    private static int countOf(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
