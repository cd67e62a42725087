package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.task.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Run in a child JVM by {@link KeyRecordsOnDiskTest}: submits keyed submissions with a checkpoint
 * interval of an hour (so every key is in the journal only) and prints "ACK <key> <task id>" once
 * each returns; the parent kills it with SIGKILL.
 */
public final class KeyProbe {
    public static void main(String[] args) throws Exception {
        FilesystemTaskStorage storage = new FilesystemTaskStorage(Path.of(args[0]), Duration.ofHours(1), "sync", 7, 4);
        for (int i = 0; ; i++) {
            String key = "probe-" + i + "-" + UUID.randomUUID();
            Task task = Task.builder().id(UUID.randomUUID().toString()).command("nu").args(List.of("x"))
                    .idempotencyKey(key).pending(Instant.now());
            IdempotencyRecord record = new IdempotencyRecord(key, "hash-" + key, Map.of("task", task.id()),
                    Instant.parse("2026-01-01T00:00:00Z"));
            if (storage.saveSubmission(List.of(task), record).isEmpty()) {
                System.out.println("ACK " + key + " " + task.id());
                System.out.flush();
            }
        }
    }
}
