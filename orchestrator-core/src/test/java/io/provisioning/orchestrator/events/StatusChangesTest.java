package io.provisioning.orchestrator.events;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusChangesTest {
    List<String> heard = new ArrayList<>();
    StatusChanges changes = new StatusChanges().listen((task, previous) -> heard.add(previous + "->" + task.status()));

    @Test
    void announces_each_status_change_once_and_not_progress() {
        Task pending = aTask().pending();
        Task running = pending.start(Instant.parse("2026-01-01T00:00:01Z"));
        changes.accept(new TaskEvent.Changed(pending));
        changes.accept(new TaskEvent.Changed(running));
        changes.accept(new TaskEvent.Changed(running.withProgress(Instant.parse("2026-01-01T00:00:02Z"), new Progress(50, "half"))));
        changes.accept(new TaskEvent.Changed(running.complete(Instant.parse("2026-01-01T00:00:03Z"), 0, "ok")));
        assertThat(heard).containsExactly("null->Pending", "Pending->Running", "Running->Completed");
    }

    @Test
    void drops_an_older_state_that_arrives_after_a_newer_one() {
        Task pending = aTask().pending();
        Task running = pending.start(Instant.parse("2026-01-01T00:00:01Z"));
        changes.accept(new TaskEvent.Changed(running));
        changes.accept(new TaskEvent.Changed(pending));
        assertThat(heard).containsExactly("null->Running");
    }

    @Test
    void continues_from_what_storage_holds() {
        InMemoryTaskStorage storage = new InMemoryTaskStorage();
        Task running = aTask().running();
        storage.save(running);
        changes.rememberUnfinished(storage);
        changes.accept(new TaskEvent.Changed(running.fail(Instant.parse("2026-01-01T00:00:05Z"), 1, "", "boom")));
        assertThat(heard).containsExactly("Running->Failed");
    }

    @Test
    void a_listener_that_throws_does_not_stop_the_others() {
        List<String> second = new ArrayList<>();
        StatusChanges both = new StatusChanges().listen((t, p) -> {
            throw new IllegalStateException("boom");
        }).listen((t, p) -> second.add(t.status().name()));
        both.accept(new TaskEvent.Changed(aTask().pending()));
        assertThat(second).containsExactly("Pending");
    }

    @Test
    void a_listener_busy_with_one_task_does_not_hold_up_the_changes_of_other_tasks() throws Exception {
        Task slow = aTask().pending();
        java.util.concurrent.CountDownLatch inSlowListener = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch releaseSlow = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger others = new java.util.concurrent.atomic.AtomicInteger();
        StatusChanges watched = new StatusChanges().listen((task, previous) -> {
            if (task.id().equals(slow.id())) {
                inSlowListener.countDown();
                try {
                    releaseSlow.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                others.incrementAndGet();
            }
        });
        Thread first = Thread.ofPlatform().start(() -> watched.accept(new TaskEvent.Changed(slow)));
        try {
            assertThat(inSlowListener.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // enough new tasks to make the map grow while the slow listener runs, none sharing its lock stripe
            List<Task> rest = new ArrayList<>();
            while (rest.size() < 200) {
                Task t = aTask().pending();
                if (StatusChanges.stripeIndex(t.id()) != StatusChanges.stripeIndex(slow.id())) {
                    rest.add(t);
                }
            }
            Thread second = Thread.ofPlatform().start(() -> rest.forEach(t -> watched.accept(new TaskEvent.Changed(t))));
            second.join(10_000);
            assertThat(others.get()).as("changes of other tasks heard while one listener is busy").isEqualTo(200);
        } finally {
            releaseSlow.countDown();
            first.join(10_000);
        }
    }
}
