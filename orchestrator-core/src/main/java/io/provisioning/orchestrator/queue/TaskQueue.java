package io.provisioning.orchestrator.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory order of work. The durable truth is in storage; this index is rebuilt from it at
 * start. Entries whose {@code notBefore} lies ahead (retries in backoff) wait in a second heap
 * and move to the ready heap when due.
 */
public final class TaskQueue {
    static final Comparator<QueueEntry> RUN_ORDER = Comparator
            .comparingInt(QueueEntry::priority).reversed()
            .thenComparingLong(QueueEntry::sequence);

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<QueueEntry> ready = new PriorityQueue<>(RUN_ORDER);
    private final PriorityQueue<QueueEntry> delayed =
            new PriorityQueue<>(Comparator.comparing(QueueEntry::notBefore));
    private final Map<String, QueueEntry> byTask = new HashMap<>();

    public TaskQueue(Clock clock) {
        this.clock = clock;
    }

    /** Adds the entry; an entry already queued for the same task is replaced. */
    public void add(QueueEntry entry) {
        lock.lock();
        try {
            removeLocked(entry.taskId());
            byTask.put(entry.taskId(), entry);
            if (isDue(entry, clock.instant())) {
                ready.add(entry);
            } else {
                delayed.add(entry);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean remove(String taskId) {
        lock.lock();
        try {
            return removeLocked(taskId);
        } finally {
            lock.unlock();
        }
    }

    /** The next entry to run now, if any; never blocks. */
    public Optional<QueueEntry> poll() {
        lock.lock();
        try {
            promoteDue(clock.instant());
            QueueEntry next = ready.poll();
            if (next != null) {
                byTask.remove(next.taskId());
            }
            return Optional.ofNullable(next);
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code maxWait} for an entry that may run now. */
    public Optional<QueueEntry> take(Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lock();
        try {
            while (true) {
                Optional<QueueEntry> next = poll();
                if (next.isPresent()) {
                    return next;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                QueueEntry soonest = delayed.peek();
                if (soonest != null) {
                    long untilDue = Duration.between(clock.instant(), soonest.notBefore()).toNanos();
                    left = Math.min(left, Math.max(untilDue, TimeUnit.MILLISECONDS.toNanos(1)));
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return byTask.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean contains(String taskId) {
        lock.lock();
        try {
            return byTask.containsKey(taskId);
        } finally {
            lock.unlock();
        }
    }

    private boolean removeLocked(String taskId) {
        QueueEntry existing = byTask.remove(taskId);
        if (existing == null) {
            return false;
        }
        ready.remove(existing);
        delayed.remove(existing);
        return true;
    }

    private void promoteDue(Instant now) {
        while (!delayed.isEmpty() && isDue(delayed.peek(), now)) {
            ready.add(delayed.poll());
        }
    }

    private static boolean isDue(QueueEntry entry, Instant now) {
        return entry.notBefore() == null || !entry.notBefore().isAfter(now);
    }
}
