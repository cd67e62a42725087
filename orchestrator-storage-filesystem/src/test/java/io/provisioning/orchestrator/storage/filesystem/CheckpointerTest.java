package io.provisioning.orchestrator.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointerTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dataDir;

    @Test
    void a_failed_checkpoint_leaves_its_changes_to_the_next_one_before_the_journal_is_dropped() throws IOException {
        FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir, Duration.ofHours(1));
        Path tasks = dataDir.resolve("queue.rkvs/tasks");
        Path away = dataDir.resolve("tasks-away");
        Task first = Task.builder().sequence(1).pending(NOW);
        storage.saveAndEnqueue(first);

        Files.move(tasks, away);
        Files.createFile(tasks); // task files cannot be written now
        assertThatThrownBy(storage::checkpointNow).isInstanceOf(IOException.class);
        Files.delete(tasks);
        Files.move(away, tasks);

        Task second = Task.builder().sequence(2).pending(NOW);
        storage.saveAndEnqueue(second);
        storage.checkpointNow(); // succeeds, and drops the journal segment that held the first task

        assertThat(tasks.resolve(first.id() + ".json")).exists();
        assertThat(dataDir.resolve("queue.rkvs/queue/" + first.id() + ".json")).exists();
        assertThat(tasks.resolve(second.id() + ".json")).exists();
        storage.close();
        try (FilesystemTaskStorage reopened = new FilesystemTaskStorage(dataDir)) {
            assertThat(reopened.find(first.id())).contains(first);
            assertThat(reopened.queuedTaskIds()).containsExactlyInAnyOrder(first.id(), second.id());
        }
    }

    @Test
    void closing_during_a_checkpoint_lets_it_finish_and_loses_nothing() throws Exception {
        FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir, Duration.ofMillis(1));
        AtomicInteger sequence = new AtomicInteger();
        try (var writers = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 500; i++) {
                writers.submit(() -> storage.saveAndEnqueue(Task.builder().sequence(sequence.incrementAndGet()).pending(NOW)));
            }
        }
        storage.close(); // the checkpointer is almost surely writing files right now

        try (FilesystemTaskStorage reopened = new FilesystemTaskStorage(dataDir)) {
            assertThat(reopened.queuedTaskIds()).hasSize(500);
        }
        try (var files = Files.list(dataDir.resolve("queue.rkvs/tasks"))) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".json")).count()).isEqualTo(500);
        }
    }
}
