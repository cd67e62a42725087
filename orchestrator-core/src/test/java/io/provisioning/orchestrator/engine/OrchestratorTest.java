package io.provisioning.orchestrator.engine;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.ExecutionListener;
import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.retry.RetryPolicy;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskBuilder;
import io.provisioning.orchestrator.task.TaskStatus;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import io.provisioning.orchestrator.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrchestratorTest {
    private final MutableClock clock = MutableClock.atEpochPlusOneDay();
    private final InMemoryTaskStorage storage = new InMemoryTaskStorage();
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private Orchestrator orchestrator;

    private Orchestrator start(int workers, Function<Task, ExecutionResult> behaviour) {
        TaskExecutor executor = new TaskExecutor() {
            @Override
            public ExecutionResult execute(Task task, ExecutionListener listener) {
                ran.add(task.name() + "#" + task.attempts());
                return behaviour.apply(task);
            }
        };
        RetryPolicy fixed = new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 1.0);
        orchestrator = new Orchestrator(OrchestratorConfig.defaults().withWorkers(workers).withRetryPolicy(fixed)
                .withShutdownGrace(Duration.ofSeconds(5)), storage, executor, clock, new TaskEventBus());
        orchestrator.start();
        return orchestrator;
    }

    @AfterEach
    void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    private static TaskBuilder named(String name) {
        return Task.builder().name(name).command("nu").args(List.of("x.nu"));
    }

    @Test
    void a_task_the_launcher_could_not_start_stays_pending_uses_no_attempt_and_runs_once_it_can() {
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(3);
        TaskExecutor executor = new TaskExecutor() {
            @Override
            public io.provisioning.orchestrator.execution.PreparedAttempt prepare(Task pending) {
                if (refusals.getAndDecrement() > 0) {
                    throw new io.provisioning.orchestrator.execution.LauncherUnavailableException(
                            "the attempt launcher did not start: it exited");
                }
                return TaskExecutor.super.prepare(pending);
            }

            @Override
            public ExecutionResult execute(Task task, ExecutionListener listener) {
                ran.add(task.name() + "#" + task.attempts());
                return ExecutionResult.succeeded("ok");
            }
        };
        orchestrator = new Orchestrator(OrchestratorConfig.defaults().withWorkers(1)
                .withShutdownGrace(Duration.ofSeconds(5)), storage, executor, clock, new TaskEventBus());
        orchestrator.start();
        Task task = orchestrator.submit(named("launch-later"));
        await().atMost(Duration.ofSeconds(10)).until(() -> orchestrator.get(task.id()).status() == TaskStatus.Completed);
        assertThat(refusals.get()).as("refused three times first").isNegative();
        assertThat(orchestrator.get(task.id()).attempts()).isEqualTo(1);
        assertThat(ran).containsExactly("launch-later#1");
    }

    @Test
    void retries_a_failed_task_with_backoff_until_max_attempts_then_fails_it() {
        start(1, t -> new ExecutionResult(ExecutionResult.Outcome.FAILED, 1, "", "exit code 1: boom"));
        Task task = orchestrator.submit(named("flaky").maxAttempts(3));

        await().until(() -> orchestrator.get(task.id()).attempts() == 1
                && orchestrator.get(task.id()).status() == TaskStatus.Pending);
        Task waiting = orchestrator.get(task.id());
        assertThat(waiting.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(10));
        assertThat(waiting.error()).contains("boom");

        clock.advance(Duration.ofSeconds(10));
        await().until(() -> orchestrator.get(task.id()).attempts() == 2
                && orchestrator.get(task.id()).status() == TaskStatus.Pending);
        assertThat(orchestrator.get(task.id()).nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(20));

        clock.advance(Duration.ofSeconds(20));
        await().until(() -> orchestrator.get(task.id()).status() == TaskStatus.Failed);
        assertThat(orchestrator.get(task.id()).attempts()).isEqualTo(3);
        assertThat(ran).containsExactly("flaky#1", "flaky#2", "flaky#3");
    }

    @Test
    void runs_higher_priority_first_and_fifo_within_a_priority() {
        storage.saveAndEnqueue(named("low-1").priority(10).sequence(1).pending(clock.instant()));
        storage.saveAndEnqueue(named("high-1").priority(90).sequence(2).pending(clock.instant()));
        storage.saveAndEnqueue(named("low-2").priority(10).sequence(3).pending(clock.instant()));
        storage.saveAndEnqueue(named("high-2").priority(90).sequence(4).pending(clock.instant()));
        start(1, t -> ExecutionResult.succeeded("ok"));
        await().until(() -> ran.size() == 4);
        assertThat(ran).containsExactly("high-1#1", "high-2#1", "low-1#1", "low-2#1");
    }

    @Test
    void a_task_waits_for_its_dependency_and_fails_when_the_dependency_fails() {
        start(2, t -> t.name().startsWith("bad")
                ? new ExecutionResult(ExecutionResult.Outcome.FAILED, 1, "", "bad")
                : ExecutionResult.succeeded("ok"));
        Task first = orchestrator.submit(named("good"));
        Task second = orchestrator.submit(named("after-good").dependencies(List.of(first.id())));
        await().until(() -> orchestrator.get(second.id()).status() == TaskStatus.Completed);
        assertThat(orchestrator.get(second.id()).startedAt()).isAfterOrEqualTo(orchestrator.get(first.id()).completedAt());

        Task bad = orchestrator.submit(named("bad").maxAttempts(1));
        Task dependent = orchestrator.submit(named("after-bad").dependencies(List.of(bad.id())));
        await().until(() -> orchestrator.get(dependent.id()).status() == TaskStatus.Failed);
        assertThat(orchestrator.get(dependent.id()).error()).contains(bad.id());
        assertThat(ran).doesNotContain("after-bad#1");
    }

    @Test
    void requeues_a_task_left_running_by_a_dead_process_and_counts_the_attempt() {
        Task interrupted = aTask().withMaxAttempts(3).running();
        Task exhausted = aTask().withMaxAttempts(1).running();
        storage.save(interrupted);
        storage.save(exhausted);
        start(1, t -> ExecutionResult.succeeded("ok"));
        await().until(() -> orchestrator.get(interrupted.id()).status() == TaskStatus.Completed);
        assertThat(orchestrator.get(interrupted.id()).attempts()).isEqualTo(2);
        assertThat(orchestrator.get(exhausted.id()).status()).isEqualTo(TaskStatus.Failed);
        assertThat(orchestrator.get(exhausted.id()).error()).contains("interrupted");
    }

    @Test
    void a_whole_submission_is_stored_and_queued_together_and_a_taken_key_queues_nothing() {
        start(1, t -> ExecutionResult.succeeded("ok"));
        TaskBuilder servers = named("servers");
        TaskBuilder cluster = named("cluster").dependencies(List.of(servers.id()));
        IdempotencyRecord record = new IdempotencyRecord("key-1", "h1", Map.of("task", cluster.id()), clock.instant());
        assertThat(orchestrator.submitAll(List.of(servers, cluster), record)).isEmpty();
        await().until(() -> orchestrator.get(cluster.id()).status() == TaskStatus.Completed);
        assertThat(orchestrator.get(cluster.id()).startedAt()).isAfterOrEqualTo(orchestrator.get(servers.id()).completedAt());

        TaskBuilder other = named("other");
        IdempotencyRecord again = new IdempotencyRecord("key-1", "h2", Map.of("task", other.id()), clock.instant());
        assertThat(orchestrator.submitAll(List.of(other), again)).contains(record);
        assertThat(orchestrator.find(other.id())).isEmpty();
        assertThat(storage.count()).isEqualTo(2);
    }

    @Test
    void a_submission_naming_an_unknown_task_outside_it_is_refused_whole() {
        start(1, t -> ExecutionResult.succeeded("ok"));
        TaskBuilder first = named("first");
        TaskBuilder second = named("second").dependencies(List.of(first.id(), "00000000-0000-0000-0000-00000000dead"));
        assertThatThrownBy(() -> orchestrator.submitAll(List.of(first, second), null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown task");
        assertThat(storage.count()).isZero();
    }
}
