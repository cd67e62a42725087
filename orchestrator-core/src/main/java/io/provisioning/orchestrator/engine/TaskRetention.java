package io.provisioning.orchestrator.engine;

import java.time.Duration;

/**
 * How long finished tasks are kept: a task that finished (Completed, Failed, Cancelled) longer than
 * {@code keep} ago is deleted by the sweep, which runs every {@code sweepEvery}. {@code keep} zero
 * means forever: nothing is swept.
 */
public record TaskRetention(Duration keep, Duration sweepEvery) {
    /** Keep every task forever (the default: deleting users' records must be asked for). */
    public static final TaskRetention FOREVER = new TaskRetention(Duration.ZERO, Duration.ofMinutes(10));

    public TaskRetention {
        if (keep.isNegative()) {
            throw new IllegalArgumentException("a retention cannot be negative");
        }
        if (sweepEvery.isNegative() || sweepEvery.isZero()) {
            throw new IllegalArgumentException("the retention sweep interval must be positive");
        }
    }

    public static TaskRetention days(long days, Duration sweepEvery) {
        return new TaskRetention(Duration.ofDays(days), sweepEvery);
    }

    public boolean keepsForever() {
        return keep.isZero();
    }
}
