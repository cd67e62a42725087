package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.execution.ExecutionListener;
import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.task.Priority;
import io.provisioning.orchestrator.task.Task;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor of {@code bin/bench latency}. A task of {@link Priority#LOW} or below is a filler:
 * it holds its worker until {@link #releaseOne} lets exactly one go, and notes when that worker is
 * handed back to the engine. Any other task is a probe: the time {@code execute()} is entered is
 * noted under its id, and it succeeds at once (a no-op).
 */
final class ProbeExecutor implements TaskExecutor {
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Semaphore releases = new Semaphore(0);
    private final AtomicInteger parked = new AtomicInteger();
    private volatile long lastFreedNanos;

    @Override
    public ExecutionResult execute(Task task, ExecutionListener listener) {
        long now = System.nanoTime();
        if (task.priority() > Priority.LOW) {
            started.put(task.id(), now);
            return ExecutionResult.succeeded("");
        }
        parked.incrementAndGet();
        try {
            releases.acquire();
            lastFreedNanos = System.nanoTime(); // from here on, the worker is the engine's again
            return ExecutionResult.succeeded("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExecutionResult(ExecutionResult.Outcome.INTERRUPTED, null, "", "benchmark stopping");
        } finally {
            parked.decrementAndGet();
        }
    }

    /** When {@code execute()} was entered for the probe {@code taskId} (System.nanoTime), or null if not yet. */
    Long startedAt(String taskId) {
        return started.get(taskId);
    }

    /** Lets one parked filler finish; returns without waiting for it. */
    void releaseOne() {
        releases.release();
    }

    /** The last time a released filler handed its worker back (System.nanoTime). */
    long lastFreedNanos() {
        return lastFreedNanos;
    }

    int parked() {
        return parked.get();
    }

    /** Waits until {@code n} fillers hold their workers. */
    void awaitParked(int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (parked.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + parked.get() + " of " + n + " workers took a filler task within "
                        + timeoutMillis + " ms");
            }
            Thread.sleep(1);
        }
    }
}
