package io.provisioning.orchestrator.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.task.AttemptProcess;
import io.provisioning.orchestrator.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real watchdog (forked by the perl attempt launcher) around a real sh script: an attempt is held
 * until told to go, owns its process group, and leaves nothing alive when it ends, whichever way it
 * ends; the launcher is started once, not per attempt, and one that died is replaced.
 */
class AttemptWatchdogTest {
    @TempDir Path workspace;

    private NushellExecutor executor() {
        return new NushellExecutor(new NushellExecutor.Settings(workspace, workspace.resolve("state"),
                () -> "http://127.0.0.1:1", Duration.ofSeconds(2)));
    }

    private static Task script(String sh, int timeoutSeconds) {
        return Task.builder().command("sh").args(List.of("-c", sh)).timeoutSeconds(timeoutSeconds)
                .pending(Instant.now());
    }

    @Test
    void a_prepared_attempt_is_a_session_of_its_own_that_runs_nothing_until_it_is_told_to_go() throws Exception {
        Path marker = workspace.resolve("ran");
        PreparedAttempt attempt = executor().prepare(script("touch " + marker, 60));
        AttemptProcess tree = attempt.process();
        assertThat(tree.pgid()).isEqualTo(tree.pid());
        assertThat(tree.startTicks()).isEqualTo(ProcStat.of(tree.pid()).orElseThrow().startTicks());
        assertThat(ProcessTree.isLocal(tree)).isTrue();
        Thread.sleep(300);
        assertThat(marker).doesNotExist();
        attempt.abandon();
        assertThat(ProcessTree.awaitGone(tree, Duration.ofSeconds(10))).isTrue();
        assertThat(marker).as("an abandoned attempt never runs its script").doesNotExist();
    }

    @Test
    void what_a_script_leaves_running_in_its_group_is_ended_when_it_exits() throws Exception {
        Path pidFile = workspace.resolve("child.pid");
        Task task = script("sleep 300 & echo $! > " + pidFile + "; echo started", 60);
        PreparedAttempt attempt = executor().prepare(task);
        ExecutionResult result = attempt.run(task, ExecutionListener.NONE);
        assertThat(result.outcome()).isEqualTo(ExecutionResult.Outcome.SUCCEEDED);
        long child = Long.parseLong(Files.readString(pidFile).trim());
        // dead: gone, or a zombie nobody has reaped yet (its parent sh is gone, so whoever adopted it reaps it)
        assertThat(ProcStat.of(child).map(s -> !s.isZombie()).orElse(false)).as("the background sleep alive").isFalse();
        assertThat(ProcessTree.isGone(attempt.process())).isTrue();
    }

    @Test
    void a_timed_out_attempt_loses_its_whole_tree_and_a_script_exit_code_comes_through() throws Exception {
        Task slow = script("sleep 300 & sleep 300", 1);
        PreparedAttempt attempt = executor().prepare(slow);
        assertThat(attempt.run(slow, ExecutionListener.NONE).outcome()).isEqualTo(ExecutionResult.Outcome.TIMED_OUT);
        assertThat(ProcessTree.isGone(attempt.process())).isTrue();

        Task bad = script("echo 'no such provider' >&2; exit 78", 60);
        ExecutionResult result = executor().prepare(bad).run(bad, ExecutionListener.NONE);
        assertThat(result.exitCode()).isEqualTo(78);
        assertThat(result.error()).contains("no such provider");
    }

    @Test
    void a_pid_that_now_names_another_process_is_never_taken_for_the_tree() {
        long self = ProcessHandle.current().pid();
        ProcStat me = ProcStat.of(self).orElseThrow();
        AttemptProcess reused = new AttemptProcess(self, me.pgid(), me.startTicks() - 1, "n", ProcessTree.host(),
                Instant.now());
        assertThat(ProcessTree.members(reused)).isEmpty();
    }

    @Test
    void attempts_are_forked_by_one_long_lived_launcher_not_started_each_time() {
        PreparedAttempt first = executor().prepare(script("exit 0", 60));
        PreparedAttempt second = executor().prepare(script("exit 0", 60));
        try {
            long firstParent = ProcStat.of(first.process().pid()).orElseThrow().ppid();
            long secondParent = ProcStat.of(second.process().pid()).orElseThrow().ppid();
            assertThat(firstParent).as("the watchdogs' parent").isEqualTo(secondParent)
                    .isNotEqualTo(ProcessHandle.current().pid());
            assertThat(ProcessHandle.of(firstParent).flatMap(h -> h.info().command()).orElse(""))
                    .as("the launcher").contains("perl");
        } finally {
            first.abandon();
            second.abandon();
        }
    }

    @Test
    void an_attempt_outlives_its_launcher_and_the_next_attempt_gets_a_new_one() throws Exception {
        Task task = script("sleep 1; echo done; exit 3", 60);
        PreparedAttempt attempt = executor().prepare(task);
        long launcher = ProcStat.of(attempt.process().pid()).orElseThrow().ppid();
        var result = java.util.concurrent.CompletableFuture.supplyAsync(() -> attempt.run(task, ExecutionListener.NONE));
        Thread.sleep(300);
        ProcessHandle.of(launcher).orElseThrow().destroyForcibly();
        ExecutionResult ended = result.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ended.exitCode()).as("the exit code, reported by the watchdog itself").isEqualTo(3);
        assertThat(ended.output()).contains("done");
        assertThat(ProcessTree.isGone(attempt.process())).isTrue();

        Task next = script("echo again", 60);
        PreparedAttempt nextAttempt = executor().prepare(next);
        assertThat(ProcStat.of(nextAttempt.process().pid()).orElseThrow().ppid()).isNotEqualTo(launcher);
        assertThat(nextAttempt.run(next, ExecutionListener.NONE).outcome()).isEqualTo(ExecutionResult.Outcome.SUCCEEDED);
    }

    @Test
    void a_launcher_that_exits_before_it_is_ready_is_a_passing_trouble_not_a_task_failure() {
        // /bin/true in perl's place: the launcher process starts and exits at once, as one the server's
        // shutdown closed mid-start, or one killed from outside, would
        AttemptLauncher dying = AttemptLauncher.of("/bin/true");
        assertThatThrownBy(() -> dying.start(List.of("/bin/echo", "x"), workspace, Map.of(), Duration.ofSeconds(1),
                Duration.ofSeconds(5)))
                .isInstanceOf(LauncherUnavailableException.class).hasMessageContaining("it exited");
    }

    @Test
    void a_missing_interpreter_is_refused_before_anything_starts() {
        Task task = Task.builder().command(workspace.resolve("no-such-nu").toString()).args(List.of("main.nu"))
                .pending(Instant.now());
        assertThatThrownBy(() -> executor().prepare(task))
                .isInstanceOf(AttemptRejectedException.class).hasMessageContaining("no-such-nu");
    }
}
