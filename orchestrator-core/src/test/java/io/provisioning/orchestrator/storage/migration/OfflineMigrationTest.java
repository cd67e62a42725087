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

    /** A target that stores the canonical bytes it is given (as the filesystem and PostgreSQL do), optionally altered. */
    private static final class BytesTarget extends InMemoryTaskStorage implements CanonicalImport {
        final List<String> importedBy = new CopyOnWriteArrayList<>();
        volatile String alter;

        @Override
        public void importBatch(List<Task> batch, Set<String> queued) {
            importedBy.add("importBatch");
            super.importBatch(batch, queued);
        }

        @Override
        public void importCanonical(List<CanonicalTask> tasks, Set<String> queued) {
            importedBy.add("importCanonical");
            List<Task> stored = new ArrayList<>();
            for (CanonicalTask canonical : tasks) {
                String json = new String(canonical.json(), java.nio.charset.StandardCharsets.UTF_8);
                if (canonical.task().id().equals(alter)) {
                    json = json.replace("\"attempts\":" + canonical.task().attempts(),
                            "\"attempts\":" + (canonical.task().attempts() + 7));
                }
                try {
                    stored.add(io.provisioning.orchestrator.json.Json.mapper().readValue(json, Task.class));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            super.importBatch(stored, queued);
        }
    }

    @Test
    void a_target_that_takes_canonical_bytes_gets_them_instead_of_tasks_and_verifies_equal() {
        List<Task> tasks = fill(25);
        BytesTarget bytes = new BytesTarget();
        MigrationReport report = new OfflineMigration(source, bytes, new OfflineMigration.Settings(4, 2, false),
                MigrationProgress.NONE).run();
        assertThat(bytes.importedBy).hasSize(7).containsOnly("importCanonical");
        for (Task task : tasks) {
            assertThat(bytes.find(task.id())).contains(task);
        }
        assertThat(report.targetDigest()).isEqualTo(report.sourceDigest())
                .isEqualTo(StoreContents.read(source, 10, n -> { }).digest());
    }

    @Test
    void a_task_stored_from_altered_bytes_fails_the_verification() {
        List<Task> tasks = fill(12);
        BytesTarget bytes = new BytesTarget();
        bytes.alter = tasks.get(5).id();
        assertThatThrownBy(() -> new OfflineMigration(source, bytes, new OfflineMigration.Settings(5, 2, false),
                MigrationProgress.NONE).run()).isInstanceOf(MigrationException.class)
                .hasMessageContaining("verification failed")
                .hasMessageContaining("task " + tasks.get(5).id() + " differs");
        assertThat(bytes.count()).isEqualTo(12);
    }

    @Test
    void verification_hashes_on_several_threads_and_gives_the_digest_of_one() {
        fill(50);
        List<Long> heard = new CopyOnWriteArrayList<>();
        StoreContents parallel = StoreContents.read(source, 7, heard::add);
        java.util.Map<String, String> one = new java.util.HashMap<>();
        for (Task task : source.scan(Long.MIN_VALUE, 1000)) {
            one.put(task.id(), ContentDigest.of(task));
        }
        assertThat(parallel.hashes()).isEqualTo(one);
        assertThat(parallel.digest()).isEqualTo(ContentDigest.ofStore(one, Set.copyOf(source.queuedTaskIds())));
        assertThat(heard).last().isEqualTo(50L);
    }
}
