package io.provisioning.orchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.execution.ExecutionListener;
import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.storage.LastRenewal;
import io.provisioning.orchestrator.storage.LeaseStatus;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import io.provisioning.orchestrator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The self-fencing decision on a fake clock: when a node that cannot renew its leases ends its attempts, and when it goes on. */
class FenceOnLostLeaseTest {
    private static final Duration LEASE = Duration.ofSeconds(10);

    private final MutableClock clock = MutableClock.atEpochPlusOneDay();
    private final LastRenewal renewals = new LastRenewal(clock, LEASE);
    private final List<String> interrupted = new CopyOnWriteArrayList<>();
    private final AttemptsHere here = new AttemptsHere();
    private final FenceOnLostLease fence = new FenceOnLostLease(new SharedStore(), new RecordingExecutor(), here, clock);

    @Test
    void fences_at_half_the_lease_so_the_other_half_is_left_before_any_node_may_take_over() {
        assertThat(LeaseFence.fenceAfter(LEASE)).isEqualTo(Duration.ofSeconds(5));
        Instant renewed = clock.instant();
        LeaseStatus status = new LeaseStatus(renewed, LEASE);
        assertThat(LeaseFence.mustFence(renewed.plusMillis(4_999), status)).isFalse();
        assertThat(LeaseFence.mustFence(renewed.plusMillis(5_000), status)).isTrue();
        assertThat(LeaseFence.fenceAfter(LEASE).plus(LeaseFence.checkEvery(LEASE)))
                .as("the latest the fence acts, far inside the lease").isLessThan(LEASE.multipliedBy(6).dividedBy(10));
    }

    @Test
    void keeps_running_while_renewals_succeed_even_long_after_the_attempts_started() {
        here.holding("task-a");
        for (int i = 0; i < 100; i++) {
            renewals.succeeded(renewals.sending());
            clock.advance(Duration.ofMillis(2_500)); // a renewal every quarter lease
            fence.check();
        }
        assertThat(fence.isFenced()).isFalse();
        assertThat(interrupted).isEmpty();
    }

    @Test
    void a_node_that_cannot_renew_ends_every_attempt_it_runs_and_stops_claiming() {
        here.holding("task-a");
        here.holding("task-b");
        clock.advance(Duration.ofMillis(4_900));
        fence.check();
        assertThat(fence.isFenced()).isFalse();
        assertThat(interrupted).isEmpty();

        clock.advance(Duration.ofMillis(100));
        fence.check();
        assertThat(fence.isFenced()).isTrue();
        assertThat(interrupted).containsExactlyInAnyOrder("task-a", "task-b");
    }

    @Test
    void an_attempt_claimed_just_before_the_fence_is_ended_at_the_next_look() {
        here.holding("task-a");
        clock.advance(Duration.ofSeconds(6));
        fence.check();
        here.released("task-a"); // its worker recorded it interrupted
        here.holding("task-c");
        clock.advance(Duration.ofMillis(250));
        fence.check();
        assertThat(interrupted).containsExactly("task-a", "task-c");
    }

    @Test
    void a_renewal_that_succeeds_again_lifts_the_fence() {
        clock.advance(Duration.ofSeconds(7));
        fence.check();
        assertThat(fence.isFenced()).isTrue();
        renewals.succeeded(renewals.sending());
        fence.check();
        assertThat(fence.isFenced()).isFalse();
    }

    @Test
    void counts_a_renewal_from_when_it_was_sent_not_from_when_its_answer_came() {
        Instant sent = renewals.sending();
        clock.advance(Duration.ofSeconds(4)); // a slow answer
        renewals.succeeded(sent);
        clock.advance(Duration.ofSeconds(1));
        fence.check();
        assertThat(fence.isFenced()).as("5 s after the renewal was sent, though 1 s after its answer").isTrue();
    }

    @Test
    void a_late_answer_of_an_older_renewal_does_not_move_the_last_renewal_back() {
        Instant older = renewals.sending();
        clock.advance(Duration.ofSeconds(3));
        renewals.succeeded(renewals.sending());
        renewals.succeeded(older);
        assertThat(renewals.status().renewedAt()).isEqualTo(older.plusSeconds(3));
    }

    @Test
    void a_store_only_this_process_uses_is_never_fenced() {
        FenceOnLostLease single = new FenceOnLostLease(new InMemoryTaskStorage(), new RecordingExecutor(), here, clock);
        here.holding("task-a");
        clock.advance(Duration.ofDays(1));
        single.check();
        assertThat(single.isFenced()).isFalse();
        assertThat(interrupted).isEmpty();
    }

    private final class SharedStore extends InMemoryTaskStorage {
        @Override
        public boolean isShared() {
            return true;
        }

        @Override
        public Optional<LeaseStatus> leaseStatus() {
            return Optional.of(renewals.status());
        }
    }

    private final class RecordingExecutor implements TaskExecutor {
        @Override
        public ExecutionResult execute(Task task, ExecutionListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean interrupt(String taskId, String reason) {
            assertThat(reason).contains("could not renew its lease");
            interrupted.add(taskId);
            return true;
        }
    }
}
