package io.provisioning.orchestrator.retry;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * {@code base * 2^(n-1)}, capped at {@code max}. Jitter keeps many tasks that failed together
 * from retrying in lockstep.
 */
public record RetryPolicy(Duration base, Duration max, DoubleSupplier random) {

    public static RetryPolicy exponential(Duration base, Duration max) {
        return new RetryPolicy(base, max, Math::random);
    }

    /** Delay before the attempt that follows {@code failedAttempt} (1-based). */
    public Duration delayAfter(int failedAttempt) {
        int exponent = Math.max(0, Math.min(30, failedAttempt - 1));
        long ceiling = Math.min(max.toMillis(), base.toMillis() * (1L << exponent));
        long half = ceiling / 2;
        return Duration.ofMillis(half + Math.round(random.getAsDouble() * (ceiling - half)));
    }
}
