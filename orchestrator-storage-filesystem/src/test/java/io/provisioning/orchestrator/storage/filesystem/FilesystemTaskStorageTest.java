package io.provisioning.orchestrator.storage.filesystem;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.TaskStorageContract;
import io.provisioning.orchestrator.task.Task;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemTaskStorageTest extends TaskStorageContract {
    @TempDir Path dataDir;

    @Override
    protected TaskStorage openFresh() {
        return new FilesystemTaskStorage(dataDir, Duration.ofMillis(50));
    }

    @Override
    protected TaskStorage reopen(TaskStorage current) {
        current.close();
        return new FilesystemTaskStorage(dataDir, Duration.ofMillis(50));
    }

    @Test
    void refuses_a_data_dir_that_another_open_store_holds_and_takes_it_once_that_one_is_closed() {
        assertThatThrownBy(() -> new FilesystemTaskStorage(dataDir))
                .isInstanceOf(StorageException.class)
                .hasMessage("the data dir " + dataDir + " is in use by a running orchestrator (it holds "
                        + dataDir.resolve("queue.rkvs/lock") + "); stop it first");
        storage.close();
        storage = new FilesystemTaskStorage(dataDir, Duration.ofMillis(50));
        assertThat(storage.count()).isZero();
    }

    @Test
    void keeps_the_compat_layout_of_one_json_file_per_task_and_per_queue_entry() throws Exception {
        Task queued = aTask().pending();
        Task done = aTask().completed();
        storage.saveAndEnqueue(queued);
        storage.save(done);
        storage.close();
        storage = null;
        Path root = dataDir.resolve("queue.rkvs");
        Task onDisk = Json.mapper().readValue(root.resolve("tasks/" + queued.id() + ".json").toFile(), Task.class);
        assertThat(onDisk).isEqualTo(queued);
        assertThat(root.resolve("tasks/" + done.id() + ".json")).exists();
        assertThat(root.resolve("queue/" + queued.id() + ".json")).exists();
        assertThat(root.resolve("queue/" + done.id() + ".json")).doesNotExist();
        String json = Files.readString(root.resolve("tasks/" + queued.id() + ".json"));
        assertThat(json).contains("\"status\":\"Pending\"", "\"created_at\":\"2026-01-01T00:00:00Z\"");
    }

    @Test
    void replays_the_journal_when_the_files_were_never_written() throws Exception {
        Task task = aTask().pending();
        storage.close();
        // a process that died after the journal fsync and before its checkpoint: only the journal has it
        Path segment = dataDir.resolve("queue.rkvs/journal/segment-000000000099.log");
        String line = Json.mapper().writeValueAsString(JournalRecord.of(new Change(task, Change.QueueOp.ADD)));
        Files.writeString(segment, line + "\n");
        storage = new FilesystemTaskStorage(dataDir, Duration.ofMillis(50));
        assertThat(storage.find(task.id())).contains(task);
        assertThat(storage.queuedTaskIds()).containsExactly(task.id());
        assertThat(dataDir.resolve("queue.rkvs/tasks/" + task.id() + ".json")).exists();
    }

    @Test
    void a_submission_is_one_journal_line_replayed_whole_with_its_key_record_and_a_torn_one_leaves_none_of_it()
            throws Exception {
        Task servers = aTask().pending();
        Task cluster = aTask().withDependencies(servers.id()).pending();
        IdempotencyRecord record = new IdempotencyRecord("cluster-1", "h", Map.of("task", cluster.id()),
                Instant.parse("2026-01-01T00:00:00Z"));
        Task torn = aTask().pending();
        storage.close();
        Path segment = dataDir.resolve("queue.rkvs/journal/segment-000000000099.log");
        String line = Json.mapper().writeValueAsString(JournalRecord.of(new SubmissionChange(List.of(servers, cluster), record)));
        String tornLine = Json.mapper().writeValueAsString(JournalRecord.of(new SubmissionChange(List.of(torn, aTask().pending()),
                new IdempotencyRecord("cluster-2", "h", Map.of("task", torn.id()), Instant.parse("2026-01-01T00:00:00Z")))));
        Files.writeString(segment, line + "\n" + tornLine.substring(0, tornLine.length() - 40), StandardCharsets.UTF_8);
        storage = new FilesystemTaskStorage(dataDir, Duration.ofMillis(50));
        assertThat(storage.find(servers.id())).contains(servers);
        assertThat(storage.find(cluster.id())).contains(cluster);
        assertThat(storage.queuedTaskIds()).containsExactlyInAnyOrder(servers.id(), cluster.id());
        assertThat(storage.findIdempotencyRecord("cluster-1")).contains(record);
        assertThat(storage.find(torn.id())).isEmpty();
        assertThat(storage.findIdempotencyRecord("cluster-2")).isEmpty();
        storage = reopen(storage); // now from the files the checkpoint wrote
        assertThat(storage.findIdempotencyRecord("cluster-1")).contains(record);
        assertThat(storage.count()).isEqualTo(2);
    }

    @Test
    void ignores_a_torn_last_journal_line_and_keeps_everything_before_it() throws Exception {
        Task task = aTask().pending();
        storage.close();
        Path segment = dataDir.resolve("queue.rkvs/journal/segment-000000000099.log");
        String line = Json.mapper().writeValueAsString(JournalRecord.of(new Change(task, Change.QueueOp.ADD)));
        Files.writeString(segment, line + "\n" + line.substring(0, line.length() / 2), StandardCharsets.UTF_8);
        storage = new FilesystemTaskStorage(dataDir, Duration.ofMillis(50));
        assertThat(storage.find(task.id())).contains(task);
    }

    @Test
    void moves_a_corrupt_task_file_aside_and_starts_anyway() throws Exception {
        Task good = aTask().completed();
        storage.save(good);
        storage.close();
        deleteIndex(); // a store written before the index: every file is read once, to build it
        Path tasks = dataDir.resolve("queue.rkvs/tasks");
        Files.writeString(tasks.resolve("11111111-1111-1111-1111-111111111111.json"), "{\"id\": \"1111", StandardOpenOption.CREATE);
        Files.writeString(tasks.resolve(".half-written.json.tmp"), "{");
        storage = new FilesystemTaskStorage(dataDir, Duration.ofMillis(50));
        assertThat(storage.find(good.id())).contains(good);
        assertThat(tasks.resolve("11111111-1111-1111-1111-111111111111.json")).doesNotExist();
        try (Stream<Path> aside = Files.list(dataDir.resolve("queue.rkvs/corrupt"))) {
            assertThat(aside.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("11111111-1111-1111-1111-111111111111.json"));
        }
        assertThat(tasks.resolve(".half-written.json.tmp")).doesNotExist();
    }

    @Test
    void drops_journal_segments_once_a_checkpoint_has_written_the_files() throws Exception {
        for (int i = 0; i < 20; i++) {
            storage.save(aTask().pending());
        }
        Path journal = dataDir.resolve("queue.rkvs/journal");
        // the last segment these writes went into (they may span two, and the next one may be made
        // ahead of time, zero-filled): the newest whose first byte is not a zero
        long written = -1;
        for (long segment : Journal.segments(journal)) {
            try (java.io.InputStream in = Files.newInputStream(Journal.segmentFile(journal, segment))) {
                int first = in.read();
                if (first > 0) {
                    written = segment;
                }
            }
        }
        assertThat(written).isNotNegative();
        long lastWritten = written;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> Journal.segments(journal).stream().noneMatch(s -> s <= lastWritten));
        try (Stream<Path> files = Files.list(dataDir.resolve("queue.rkvs/tasks"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".json")).count()).isEqualTo(20);
        }
    }

    private void deleteIndex() throws java.io.IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("queue.rkvs/index"))) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dataDir.resolve("queue.rkvs/index"));
    }
}
