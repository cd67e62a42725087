package io.provisioning.orchestrator.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.task.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dataDir;

    @TempDir
    Path afterCrash;

    @Test
    void writes_go_into_the_segment_prepared_ahead_without_growing_it() throws IOException {
        try (FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir, Duration.ofHours(1))) {
            storage.saveAndEnqueue(Task.builder().sequence(1).pending(NOW));
            storage.prepareNextSegmentNow();
            Path prepared = newestSegment();
            long preparedSize = Files.size(prepared);
            assertThat(preparedSize).isGreaterThanOrEqualTo(1 << 20);

            storage.checkpointNow(); // rotates into the prepared segment
            storage.saveAndEnqueue(Task.builder().sequence(2).pending(NOW));

            // the checkpointer may have prepared the segment after it meanwhile: that one is still empty
            Path journal = dataDir.resolve("queue.rkvs/journal");
            for (long later : Journal.segments(journal)) {
                Path segment = Journal.segmentFile(journal, later);
                if (segment.compareTo(prepared) > 0) {
                    assertThat(Journal.readRecords(segment)).as("the write went into " + prepared).isEmpty();
                }
            }
            assertThat(Files.size(prepared)).isEqualTo(preparedSize);
            assertThat(Journal.readRecords(prepared)).hasSize(1);
        }
    }

    @Test
    void a_crash_after_writing_into_a_prepared_segment_loses_nothing_acknowledged() throws IOException {
        FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir, Duration.ofHours(1));
        Task first = Task.builder().sequence(1).pending(NOW);
        storage.saveAndEnqueue(first);
        storage.prepareNextSegmentNow();
        storage.checkpointNow();
        Task second = Task.builder().sequence(2).pending(NOW);
        storage.saveAndEnqueue(second);
        storage.save(second.start(NOW));

        copyTree(dataDir, afterCrash); // what a kill -9 now would leave: no close, no final checkpoint
        try (FilesystemTaskStorage reopened = new FilesystemTaskStorage(afterCrash)) {
            assertThat(reopened.find(first.id())).contains(first);
            assertThat(reopened.find(second.id())).contains(second.start(NOW));
        }
        storage.close();
    }

    @Test
    void a_deletion_in_the_journal_keeps_the_task_deleted_after_a_crash_although_its_file_is_still_there()
            throws IOException {
        FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir, Duration.ofHours(1));
        Task gone = Task.builder().sequence(1).pending(NOW).start(NOW).complete(NOW, 0, "done");
        Task kept = Task.builder().sequence(2).pending(NOW);
        storage.save(gone);
        storage.saveAndEnqueue(kept);
        storage.checkpointNow(); // both task files are on disk
        assertThat(dataDir.resolve("queue.rkvs/tasks/" + gone.id() + ".json")).exists();
        assertThat(storage.delete(gone.id())).isTrue();

        copyTree(dataDir, afterCrash); // a kill -9 now: the deletion is only in the journal
        assertThat(afterCrash.resolve("queue.rkvs/tasks/" + gone.id() + ".json")).exists();
        try (FilesystemTaskStorage reopened = new FilesystemTaskStorage(afterCrash)) {
            assertThat(reopened.find(gone.id())).isEmpty();
            assertThat(reopened.find(kept.id())).contains(kept);
            assertThat(reopened.queuedTaskIds()).containsExactly(kept.id());
        }
        assertThat(afterCrash.resolve("queue.rkvs/tasks/" + gone.id() + ".json")).doesNotExist();
        try (FilesystemTaskStorage again = new FilesystemTaskStorage(afterCrash)) {
            assertThat(again.find(gone.id())).isEmpty(); // the replayed segments are gone, and so is the file
        }
        storage.close();
        assertThat(dataDir.resolve("queue.rkvs/tasks/" + gone.id() + ".json")).doesNotExist();
    }

    @Test
    void a_torn_batch_followed_by_zeros_is_ignored_and_the_records_before_it_are_replayed() throws IOException {
        Task kept = Task.builder().sequence(1).pending(NOW);
        try (FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir, Duration.ofHours(1))) {
            storage.saveAndEnqueue(kept);
            copyTree(dataDir, afterCrash);
        }
        Path journal = afterCrash.resolve("queue.rkvs/journal");
        Path segment = null;
        for (long number : Journal.segments(journal)) {
            if (Journal.readRecords(Journal.segmentFile(journal, number)).size() == 1) {
                segment = Journal.segmentFile(journal, number);
            }
        }
        assertThat(segment).isNotNull();
        byte[] torn = "{\"task\":{\"id\":\"0b9e".getBytes(StandardCharsets.UTF_8);
        // the batch goes where the records end: a segment is zero-filled ahead of time
        byte[] bytes = Files.readAllBytes(segment);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        try (var channel = java.nio.channels.FileChannel.open(segment, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(torn), end);
            channel.write(java.nio.ByteBuffer.wrap(new byte[4096]), end + torn.length);
        }

        assertThat(Journal.readRecords(segment)).hasSize(2);
        try (FilesystemTaskStorage reopened = new FilesystemTaskStorage(afterCrash)) {
            assertThat(reopened.find(kept.id())).contains(kept);
            assertThat(reopened.queuedTaskIds()).containsExactly(kept.id());
        }
    }

    private Path newestSegment() throws IOException {
        List<Long> segments = Journal.segments(dataDir.resolve("queue.rkvs/journal"));
        return Journal.segmentFile(dataDir.resolve("queue.rkvs/journal"), segments.get(segments.size() - 1));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
