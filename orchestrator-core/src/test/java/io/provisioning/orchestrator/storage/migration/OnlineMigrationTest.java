package io.provisioning.orchestrator.storage.migration;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OnlineMigrationTest {
    private final InMemoryTaskStorage source = new InMemoryTaskStorage();
    private final SwitchableTaskStorage live = new SwitchableTaskStorage(source);

    @Test
    void copies_while_writes_go_on_then_switches_with_both_sides_equal() throws Exception {
        for (int i = 0; i < 200; i++) {
            live.saveAndEnqueue(aTask().pending());
        }
        InMemoryTaskStorage target = new InMemoryTaskStorage();
        AtomicReference<TaskStorage> replaced = new AtomicReference<>();
        OnlineMigration migration = new OnlineMigration(live, "in-memory", () -> target, 7, replaced::set, Clock.systemUTC());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<List<Task>>> written = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            written.add(writers.submit(() -> {
                List<Task> mine = new ArrayList<>();
                for (int n = 0; n < 150 && !stop.get(); n++) {
                    Thread.sleep(1);
                    Task task = aTask().pending();
                    live.saveAndEnqueue(task); // never refused
                    Task running = task.start(Instant.parse("2026-01-01T00:00:01Z"));
                    assertThat(live.compareAndSave(task, running, io.provisioning.orchestrator.storage.QueueChange.REMOVE)).isTrue();
                    mine.add(running);
                }
                return mine;
            }));
        }
        OnlineMigration.Status end = migration.run();
        stop.set(true);
        List<Task> all = new ArrayList<>();
        for (Future<List<Task>> f : written) {
            all.addAll(f.get());
        }
        writers.shutdown();

        assertThat(end.state()).isEqualTo(OnlineMigration.State.SWITCHED);
        assertThat(end.targetDigest()).isEqualTo(end.sourceDigest());
        assertThat(live.active()).isSameAs(target);
        assertThat(replaced.get()).isSameAs(source);
        assertThat(all).isNotEmpty();
        for (Task task : all) {
            assertThat(target.find(task.id())).contains(task);
        }
        assertThat(target.count()).isEqualTo(200 + all.size());
        assertThat(target.queuedTaskIds()).hasSize(200);
    }

    @Test
    void stops_and_keeps_the_source_live_when_the_target_fails_during_the_copy() {
        for (int i = 0; i < 50; i++) {
            live.saveAndEnqueue(aTask().pending());
        }
        InMemoryTaskStorage target = new InMemoryTaskStorage() {
            int batches;

            @Override
            public void importBatch(List<Task> tasks, java.util.Set<String> queued) {
                if (++batches == 3) {
                    throw new StorageUnavailableException("target went away");
                }
                super.importBatch(tasks, queued);
            }
        };
        OnlineMigration.Status end = new OnlineMigration(live, "in-memory", () -> target, 10, s -> { },
                Clock.systemUTC()).run();
        assertThat(end.state()).isEqualTo(OnlineMigration.State.FAILED);
        assertThat(end.error()).contains("target went away").contains("stays the live store");
        assertThat(live.active()).isSameAs(source);
        Task after = aTask().pending();
        live.saveAndEnqueue(after);
        assertThat(target.find(after.id())).isEmpty(); // no longer mirrored
        assertThat(source.count()).isEqualTo(51);
    }

    @Test
    void refuses_a_target_that_is_not_empty() {
        live.save(aTask().pending());
        InMemoryTaskStorage target = new InMemoryTaskStorage();
        target.save(aTask().pending());
        OnlineMigration.Status end = new OnlineMigration(live, "in-memory", () -> target, 10, s -> { },
                Clock.systemUTC()).run();
        assertThat(end.state()).isEqualTo(OnlineMigration.State.FAILED);
        assertThat(end.error()).contains("already holds 1 tasks");
        assertThat(live.active()).isSameAs(source);
    }
}
