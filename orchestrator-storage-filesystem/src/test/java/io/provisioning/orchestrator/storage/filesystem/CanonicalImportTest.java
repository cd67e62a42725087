package io.provisioning.orchestrator.storage.filesystem;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.migration.CanonicalTask;
import io.provisioning.orchestrator.task.Task;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A migration's import from canonical JSON bytes: the journal lines are those the tasks serialize to, durable on return. */
class CanonicalImportTest {
    @TempDir Path dataDir;

    @Test
    void an_import_line_is_byte_for_byte_the_line_the_change_serializes_to() throws Exception {
        for (Task task : List.of(aTask().pending(), aTask().completed(), aTask().failed())) {
            for (Change.QueueOp op : List.of(Change.QueueOp.ADD, Change.QueueOp.REMOVE)) {
                byte[] expected = Json.mapper().writeValueAsBytes(JournalRecord.of(new Change(task, op)));
                assertThat(JournalRecord.importLine(CanonicalTask.of(task).json(), op)).isEqualTo(expected);
            }
        }
    }

    @Test
    void imported_tasks_are_in_the_journal_when_the_import_returns_and_come_back_after_reopening() throws Exception {
        Task queued = aTask().pending();
        Task done = aTask().completed();
        Task requeued = aTask().pending();
        List<Task> all = List.of(queued, done, requeued);
        try (FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir, Duration.ofHours(1))) {
            storage.saveAndEnqueue(requeued);
            storage.importCanonical(all.stream().map(CanonicalTask::of).toList(), Set.of(queued.id()));
            // no checkpoint ran (an hour apart): the journal alone holds them, each line as the change serializes
            byte[] journal = journalBytes();
            for (Task task : all) {
                Change.QueueOp op = task == queued ? Change.QueueOp.ADD : Change.QueueOp.REMOVE;
                assertThat(indexOf(journal, Json.mapper().writeValueAsBytes(JournalRecord.of(new Change(task, op)))))
                        .as("journal line of " + task.id()).isNotNegative();
            }
            assertThat(storage.queuedTaskIds()).containsExactly(queued.id());
        }
        try (FilesystemTaskStorage reopened = new FilesystemTaskStorage(dataDir, Duration.ofHours(1))) {
            for (Task task : all) {
                assertThat(reopened.find(task.id())).contains(task);
            }
            assertThat(reopened.queuedTaskIds()).containsExactly(queued.id());
        }
    }

    @Test
    void the_task_file_of_an_imported_task_is_written_from_the_imported_bytes_and_a_later_change_from_the_task()
            throws Exception {
        Task imported = aTask().completed();
        Task changedAfter = aTask().pending();
        // valid JSON of the task but not the compact form serializing gives: the file must hold these bytes
        byte[] importedJson = withLeadingSpace(CanonicalTask.of(imported).json());
        try (FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir, Duration.ofHours(1))) {
            storage.importCanonical(List.of(new CanonicalTask(imported, importedJson), CanonicalTask.of(changedAfter)),
                    Set.of(changedAfter.id()));
            storage.saveAndDequeue(changedAfter.cancel(changedAfter.createdAt().plusSeconds(1), "changed after the import"));
        } // close writes the task files
        FilesystemLayout layout = new FilesystemLayout(dataDir.resolve("queue.rkvs"));
        assertThat(Files.readAllBytes(layout.taskFile(imported.id()))).isEqualTo(importedJson);
        Task cancelled = changedAfter.cancel(changedAfter.createdAt().plusSeconds(1), "changed after the import");
        assertThat(Files.readAllBytes(layout.taskFile(changedAfter.id()))).isEqualTo(Json.mapper().writeValueAsBytes(cancelled));
        try (FilesystemTaskStorage reopened = new FilesystemTaskStorage(dataDir, Duration.ofHours(1))) {
            assertThat(reopened.find(imported.id())).contains(imported);
            assertThat(reopened.find(changedAfter.id())).contains(cancelled);
            assertThat(reopened.queuedTaskIds()).isEmpty();
        }
    }

    private static byte[] withLeadingSpace(byte[] json) {
        byte[] spaced = new byte[json.length + 1];
        spaced[0] = ' ';
        System.arraycopy(json, 0, spaced, 1, json.length);
        return spaced;
    }

    private byte[] journalBytes() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.list(dataDir.resolve("queue.rkvs/journal"))) {
            for (Path file : files.sorted().toList()) {
                all.write(Files.readAllBytes(file));
            }
        }
        return all.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
