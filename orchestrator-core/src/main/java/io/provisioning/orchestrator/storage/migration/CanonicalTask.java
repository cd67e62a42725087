package io.provisioning.orchestrator.storage.migration;

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

    /** {@link ContentDigest#of(Task)} of the task, from the bytes already made. */
    public String hash() {
        return ContentDigest.ofJson(json);
    }
}
