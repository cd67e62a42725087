package io.provisioning.orchestrator.storage.filesystem;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished tasks leave memory once their files are written, and are still served in full (by id,
 * listings, filters, counts) from their files and the on-disk index: before and after a restart,
 * across index compactions, and for a store written before the index existed.
 */
class FinishedTasksOnDiskTest {
    private static final int COMPACT_AT = 7;

    @TempDir Path dataDir;
    private FilesystemTaskStorage storage;
    private final List<Task> expected = new ArrayList<>();

    @AfterEach
    void close() {
        if (storage != null) {
            storage.close();
        }
    }

    private FilesystemTaskStorage open() {
        return new FilesystemTaskStorage(dataDir, Duration.ofHours(1), "sync", COMPACT_AT);
    }

    @Test
    void finished_tasks_leave_memory_and_are_still_served_by_get_list_count_and_filters() throws Exception {
        storage = open();
        Task root = aTask().completed();
        save(root);
        for (int i = 0; i < 40; i++) {
            Task task = switch (i % 4) {
                case 0 -> aTask().withWorkflow("servers.delete").withInfra("prod").completed();
                case 1 -> aTask().withDependencies(root.id()).failed();
                case 2 -> aTask().withInfra("prod").running().cancel(java.time.Instant.parse("2026-01-01T00:00:09Z"), "no");
                default -> aTask().completed();
            };
            save(task);
        }
        Task pending = aTask().withInfra("prod").pending();
        Task running = aTask().withDependencies(root.id()).running();
        storage.saveAndEnqueue(pending);
        storage.save(running);
        expected.add(pending);
        expected.add(running);
        Task gone = expected.remove(5);
        storage.delete(gone.id());

        storage.checkpointNow();
        assertThat(storage.tasksInMemory()).as("only the unfinished tasks stay in memory").isEqualTo(2);
        assertThat(storage.indexEntriesInMemory()).as("the index was compacted to disk").isLessThan(COMPACT_AT);
        assertServedInFull(gone);

        storage.close();
        storage = open();
        assertThat(storage.tasksInMemory()).isEqualTo(2);
        assertServedInFull(gone);
        assertThat(storage.queuedTaskIds()).containsExactly(pending.id());
        assertThat(storage.findUnfinished()).containsExactly(pending, running);

        // a finished task that changes again (a retry on demand) comes back into memory, and leaves again
        Task retried = expected.get(3);
        assertThat(retried.status()).isEqualTo(TaskStatus.Cancelled);
        Task again = retried.retryOnDemand(java.time.Instant.parse("2026-01-01T00:01:00Z"), 1);
        storage.saveAndEnqueue(again);
        expected.set(3, again);
        assertServedInFull(gone);
        Task done = again.start(java.time.Instant.parse("2026-01-01T00:01:01Z"))
                .complete(java.time.Instant.parse("2026-01-01T00:01:02Z"), 0, "ok");
        storage.saveAndDequeue(done);
        expected.set(3, done);
        storage.checkpointNow();
        assertThat(storage.tasksInMemory()).isEqualTo(2);
        assertServedInFull(gone);
        storage.close();
        storage = open();
        assertServedInFull(gone);
    }

    @Test
    void a_store_written_before_the_index_is_opened_by_building_the_index_once_from_the_task_files() throws Exception {
        storage = open();
        for (int i = 0; i < 20; i++) {
            save(i % 3 == 0 ? aTask().withWorkflow("servers.delete").failed() : aTask().withInfra("prod").completed());
        }
        Task pending = aTask().pending();
        storage.saveAndEnqueue(pending);
        expected.add(pending);
        storage.close();
        Path index = dataDir.resolve("queue.rkvs/index");
        try (Stream<Path> files = Files.list(index)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(index); // as today's code leaves a store: task files, queue files, no index

        storage = open();
        assertThat(index.resolve("snapshot-000000000001.jsonl")).exists();
        assertServedInFull(null);
        assertThat(storage.queuedTaskIds()).containsExactly(pending.id());
        storage.close();
        storage = open();
        assertServedInFull(null);
    }

    @Test
    void a_bulk_import_leaves_at_most_one_compaction_of_index_entries_in_memory() throws Exception {
        storage = new FilesystemTaskStorage(dataDir, Duration.ofMillis(20), "sync", 500);
        for (int batch = 0; batch < 12; batch++) {
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                tasks.add(aTask().completed());
            }
            storage.importBatch(tasks, java.util.Set.of());
        }
        storage.close();
        storage = new FilesystemTaskStorage(dataDir, Duration.ofMillis(20), "sync", 500);
        assertThat(storage.count()).isEqualTo(6000);
        assertThat(storage.tasksInMemory()).isZero();
        assertThat(storage.indexEntriesInMemory()).as("entries left in the log after the import").isLessThan(500);
    }

    private void save(Task task) {
        storage.save(task);
        expected.add(task);
    }

    private void assertServedInFull(Task deleted) throws IOException {
        List<Task> newestFirst = expected.stream().sorted(Comparator.comparingLong(Task::sequence).reversed()).toList();
        for (Task task : expected) {
            assertThat(storage.find(task.id())).as("task %s", task.id()).contains(task);
        }
        if (deleted != null) {
            assertThat(storage.find(deleted.id())).isEmpty();
        }
        assertThat(storage.count()).isEqualTo(expected.size());
        assertThat(storage.list(new TaskQuery(null, 1000, 0)).tasks()).isEqualTo(newestFirst);
        assertThat(storage.scan(0, 1000)).isEqualTo(newestFirst.reversed());
        List<TaskQuery> queries = new ArrayList<>();
        for (TaskStatus status : TaskStatus.values()) {
            queries.add(new TaskQuery(status, 1000, 0));
            queries.add(new TaskQuery(status, 3, 2));
            queries.add(new TaskQuery(status, 1000, 0).withInfra("prod"));
        }
        queries.add(new TaskQuery(null, 1000, 0).withWorkflow("servers.delete"));
        queries.add(new TaskQuery(null, 2, 1).withInfra("prod"));
        queries.add(new TaskQuery(null, 1000, 0).withDependsOn(expected.get(0).id()));
        queries.add(new TaskQuery(TaskStatus.Failed, 1000, 0).withDependsOn(expected.get(0).id()));
        for (TaskQuery query : queries) {
            List<Task> matching = newestFirst.stream().filter(query::matches).toList();
            TaskPage page = storage.list(query);
            assertThat(page.total()).as("total of %s", query).isEqualTo(matching.size());
            assertThat(page.tasks()).as("page of %s", query).isEqualTo(
                    matching.stream().skip(query.offset()).limit(query.limit()).toList());
        }
        long finished = expected.stream().filter(t -> t.status().isTerminal()).count();
        assertThat(storage.countsByStatusAndPriority().values().stream()
                .flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum()).isEqualTo(expected.size());
        assertThat(finished).isPositive();
    }
}
