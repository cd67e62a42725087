package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.StorageUnavailableException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Answers {@code checkHealth} (asked by every worker before it takes a task) without a round
 * trip each time: a {@code SELECT 1} at most once a second while the server answers, every
 * quarter second once a call found it gone. Meanwhile the last answer stands; one thread probes
 * while the others take that answer.
 */
final class HealthProbe {
    private static final long HEALTHY_NANOS = 1_000_000_000L;
    private static final long UNHEALTHY_NANOS = 250_000_000L;

    private final Runnable probe;
    private final Runnable back;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile long probedAt = System.nanoTime() - HEALTHY_NANOS;
    private volatile StorageUnavailableException failure;

    /** {@code back} runs once the server answers again after a failed probe. */
    HealthProbe(Runnable probe, Runnable back) {
        this.probe = probe;
        this.back = back;
    }

    void check() {
        StorageUnavailableException last = failure;
        long age = System.nanoTime() - probedAt;
        if (age < (last == null ? HEALTHY_NANOS : UNHEALTHY_NANOS) || !probing.tryLock()) {
            if (last != null) {
                throw last;
            }
            return;
        }
        try {
            probe.run();
            failure = null;
            if (last != null) {
                back.run();
            }
        } catch (StorageUnavailableException e) {
            failure = e;
            throw e;
        } finally {
            probedAt = System.nanoTime();
            probing.unlock();
        }
    }

    /** A call found the server gone: the next check asks it again. */
    void lost() {
        probedAt = System.nanoTime() - HEALTHY_NANOS;
    }
}
