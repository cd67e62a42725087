package io.provisioning.orchestrator.storage.migration;

import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.task.Task;

/**
 * A task with its canonical JSON ({@link ContentDigest#canonicalJson}), serialized once: the
 * migration hashes these bytes for verification and hands the very same bytes to a target that
 * stores them as they are ({@link CanonicalImport}), so no store serializes the task again.
 */
public record CanonicalTask(Task task, byte[] json) {
    public static CanonicalTask of(Task task) {
        return new CanonicalTask(task, ContentDigest.canonicalJson(task));
    }

    /** The task that stored JSON holds, with its canonical JSON (which the stored bytes need not be). */
    public static CanonicalTask parse(byte[] stored) {
        Task task;
        try {
            task = Json.mapper().readValue(stored, Task.class);
        } catch (java.io.IOException e) {
            throw new MigrationException("a stored task is not valid task JSON: " + e.getMessage(), e);
        }
        return of(task);
    }

    /** {@link ContentDigest#of(Task)} of the task, from the bytes already made. */
    public String hash() {
        return ContentDigest.ofJson(json);
    }
}
