package io.provisioning.orchestrator.storage.migration;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OfflineMigrationTest {
    private final InMemoryTaskStorage source = new InMemoryTaskStorage();
    private final InMemoryTaskStorage target = new InMemoryTaskStorage();

    private List<Task> fill(int n) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Task task = i % 3 == 0 ? aTask().pending() : aTask().completed();
            if (task.status().isTerminal()) {
                source.save(task);
            } else {
                source.saveAndEnqueue(task);
            }
            tasks.add(task);
        }
        return tasks;
    }

    @Test
    void copies_every_task_and_queue_entry_in_batches_and_verifies_the_contents() {
        List<Task> tasks = fill(25);
        List<String> phases = new CopyOnWriteArrayList<>();
        MigrationReport report = new OfflineMigration(source, target, new OfflineMigration.Settings(4, 2, false),
                (phase, done, total) -> phases.add(phase + " " + done + "/" + total)).run();
        for (Task task : tasks) {
            assertThat(target.find(task.id())).contains(task);
        }
        assertThat(Set.copyOf(target.queuedTaskIds())).isEqualTo(Set.copyOf(source.queuedTaskIds()));
        assertThat(report.tasks()).isEqualTo(25);
        assertThat(report.queued()).isEqualTo(9);
        assertThat(report.targetDigest()).isEqualTo(report.sourceDigest());
        assertThat(phases).contains("copying 25/25", "verifying 25/25");
    }

    @Test
    void a_dry_run_reads_and_hashes_the_source_and_writes_nothing() {
        fill(10);
        MigrationReport report = new OfflineMigration(source, target, new OfflineMigration.Settings(3, 1, true),
                MigrationProgress.NONE).run();
        assertThat(report.dryRun()).isTrue();
        assertThat(report.tasks()).isEqualTo(10);
        assertThat(report.sourceDigest()).hasSize(64);
        assertThat(target.count()).isZero();
    }

    @Test
    void refuses_a_target_that_already_holds_tasks() {
        fill(3);
        target.save(aTask().pending());
        assertThatThrownBy(() -> new OfflineMigration(source, target, new OfflineMigration.Settings(10, 1, false),
                MigrationProgress.NONE).run()).isInstanceOf(MigrationException.class)
                .hasMessageContaining("already holds 1 tasks");
    }

    @Test
    void fails_with_the_cause_when_the_target_cannot_take_a_batch_and_leaves_the_source_as_it_was() {
        List<Task> tasks = fill(12);
        TaskStorage broken = new InMemoryTaskStorage() {
            @Override
            public void importBatch(List<Task> batch, Set<String> queued) {
                throw new io.provisioning.orchestrator.storage.StorageUnavailableException("disk is gone");
            }
        };
        String before = StoreContents.read(source, 5, n -> { }).digest();
        assertThatThrownBy(() -> new OfflineMigration(source, broken, new OfflineMigration.Settings(5, 2, false),
                MigrationProgress.NONE).run()).isInstanceOf(MigrationException.class)
                .hasMessageContaining("writing to the target failed").hasMessageContaining("disk is gone");
        assertThat(StoreContents.read(source, 5, n -> { }).digest()).isEqualTo(before);
        assertThat(source.count()).isEqualTo(tasks.size());
    }

    @Test
    void verification_names_what_differs() {
        fill(4);
        Task extra = aTask().pending();
        StoreContents s = StoreContents.read(source, 10, n -> { });
        target.importBatch(source.scan(Long.MIN_VALUE, 3), Set.of());
        target.save(extra);
        List<String> problems = StoreContents.read(target, 10, n -> { }).differencesFrom(s, 10);
        assertThat(problems).anyMatch(p -> p.contains("is missing from the target"))
                .anyMatch(p -> p.contains(extra.id() + " is in the target but not in the source"))
                .anyMatch(p -> p.contains("the queue differs"));
    }
}
