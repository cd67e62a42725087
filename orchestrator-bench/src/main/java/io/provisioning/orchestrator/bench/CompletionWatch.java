package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Listens on the engine's event bus: counts tasks that reached Completed and keeps each one's
 * submit-to-start latency, {@code started_at - created_at} as the engine stamped them.
 * {@code created_at} is taken before the submission's journal write, {@code started_at} before
 * the claim's, so the figure covers the durable enqueue, the wait in the queue and the pick-up.
 */
final class CompletionWatch implements Consumer<TaskEvent> {
    private final int expected;
    private final long[] startLatencyMicros;
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final CountDownLatch all = new CountDownLatch(1);
    private volatile long lastCompletionNanos;

    CompletionWatch(int expected) {
        this.expected = expected;
        this.startLatencyMicros = new long[expected];
    }

    @Override
    public void accept(TaskEvent event) {
        if (!(event instanceof TaskEvent.Changed changed)) {
            return;
        }
        Task task = changed.task();
        if (task.status() == TaskStatus.Failed) {
            failed.incrementAndGet();
        }
        if (task.status() != TaskStatus.Completed) {
            return;
        }
        int i = completed.getAndIncrement();
        if (i < expected) {
            startLatencyMicros[i] = Duration.between(task.createdAt(), task.startedAt()).toNanos() / 1_000;
            if (i == expected - 1) {
                lastCompletionNanos = System.nanoTime();
                all.countDown();
            }
        }
    }

    /** Waits until every expected task completed; false on timeout or when one failed for good. */
    boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (all.await(100, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (failed.get() > 0) {
                return false;
            }
        }
        return false;
    }

    long lastCompletionNanos() {
        return lastCompletionNanos;
    }

    int completed() {
        return completed.get();
    }

    int failed() {
        return failed.get();
    }

    long[] startLatencyMicros() {
        return startLatencyMicros.clone();
    }
}
