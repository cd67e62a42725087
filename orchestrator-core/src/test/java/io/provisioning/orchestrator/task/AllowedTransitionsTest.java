package io.provisioning.orchestrator.task;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AllowedTransitionsTest {
    private final Instant now = Instant.parse("2026-01-01T00:00:10Z");

    @Test
    void a_completed_task_never_changes_again() {
        Task done = aTask().completed();
        for (TaskStatus to : TaskStatus.values()) {
            assertThat(AllowedTransitions.isAllowed(TaskStatus.Completed, to)).isFalse();
        }
        assertThatThrownBy(() -> done.start(now)).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("Completed").hasMessageContaining("Running");
    }

    @Test
    void a_pending_task_cannot_complete_without_running() {
        assertThatThrownBy(() -> aTask().pending().complete(now, 0, "")).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void the_normal_life_of_a_task_is_allowed_and_counts_attempts() {
        Task running = aTask().pending().start(now);
        assertThat(running.attempts()).isEqualTo(1);
        Task retrying = running.retryLater(now, now.plusSeconds(1), 1, "", "exit code 1");
        assertThat(retrying.status()).isEqualTo(TaskStatus.Pending);
        assertThat(retrying.nextAttemptAt()).isEqualTo(now.plusSeconds(1));
        Task second = retrying.start(now.plusSeconds(2));
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(second.complete(now.plusSeconds(3), 0, "ok").status()).isEqualTo(TaskStatus.Completed);
    }

    @Test
    void failed_and_cancelled_tasks_may_be_retried_on_demand_only_to_pending() {
        assertThat(AllowedTransitions.isAllowed(TaskStatus.Failed, TaskStatus.Pending)).isTrue();
        assertThat(AllowedTransitions.isAllowed(TaskStatus.Cancelled, TaskStatus.Pending)).isTrue();
        assertThat(AllowedTransitions.isAllowed(TaskStatus.Failed, TaskStatus.Running)).isFalse();
        Task retried = aTask().failed().retryOnDemand(now, 3);
        assertThat(retried.status()).isEqualTo(TaskStatus.Pending);
        assertThat(retried.maxAttempts()).isEqualTo(retried.attempts() + 3);
    }
}
