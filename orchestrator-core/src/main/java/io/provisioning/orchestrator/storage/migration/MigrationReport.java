package io.provisioning.orchestrator.storage.migration;

import java.time.Duration;

/**
 * How a migration went. {@code copied} is 0 for a dry run. The digests are {@link StoreContents#digest()}
 * of source and target (the target's is null for a dry run); equal digests mean equal contents.
 * {@code idempotencyKeys}: the idempotency records of the source (copied and verified unless a dry run).
 */
public record MigrationReport(long tasks, long queued, long copied, Duration copyTime, Duration totalTime,
        String sourceDigest, String targetDigest, boolean dryRun, long idempotencyKeys) {

    /** Tasks copied per second, over the copy alone. */
    public double copyRate() {
        double seconds = copyTime.toNanos() / 1e9;
        return seconds <= 0 ? copied : copied / seconds;
    }
}
