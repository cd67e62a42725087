package io.provisioning.orchestrator.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash left tasks only in the journal; the next open writes their files and deletes the
 * segments. Where {@code syncfs} ({@code sync -f}) is unavailable, each replayed file must be
 * fsynced first, or a machine crash right after the open would lose tasks that were acknowledged.
 */
class ReplayWithoutSyncfsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    @TempDir Path dataDir;

    @Test
    void replayed_task_files_are_fsynced_before_the_journal_segments_go_even_without_syncfs() throws Exception {
        Path journal = Files.createDirectories(dataDir.resolve("queue.rkvs/journal"));
        List<Task> tasks = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            Task task = Task.builder().sequence(i).pending(NOW);
            tasks.add(task);
            lines.append(Json.mapper().writeValueAsString(JournalRecord.of(new Change(task, Change.QueueOp.ADD)))).append('\n');
        }
        Path segment = Journal.segmentFile(journal, 7);
        Files.writeString(segment, lines); // what a SIGKILL right after the acknowledgements leaves

        try (FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir, Duration.ofHours(1),
                dataDir.resolve("no-such-sync").toString())) {
            assertThat(segment).doesNotExist();
            // 20 task files and 20 queue files, each fsynced one by one before the segment was deleted
            assertThat(storage.filesFsynced()).isGreaterThanOrEqualTo(40);
            for (Task task : tasks) {
                assertThat(dataDir.resolve("queue.rkvs/tasks/" + task.id() + ".json")).exists();
                assertThat(storage.find(task.id())).contains(task);
            }
        }
    }
}
