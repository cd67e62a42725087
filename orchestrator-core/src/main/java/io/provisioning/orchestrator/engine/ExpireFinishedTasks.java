package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention sweep: at start and then every {@link TaskRetention#sweepEvery()}, deletes the
 * finished tasks whose finish time is older than {@link TaskRetention#keep()}, with their logs
 * ({@link DeleteTask}: never one an unfinished task depends on). Each deletion is durable on its
 * own, so a process killed mid-sweep has deleted some and kept the rest, and the next sweep goes on.
 */
final class ExpireFinishedTasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpireFinishedTasks.class);
    /** Tasks read per page, and deleted per hold of the {@link DeletionGuard}. */
    static final int BATCH = 200;

    private final TaskStorage storage;
    private final DeleteTask deleteTask;
    private final Clock clock;
    private final TaskRetention retention;
    private final Object wake = new Object();
    private volatile boolean running;
    private Thread thread;

    ExpireFinishedTasks(TaskStorage storage, DeleteTask deleteTask, Clock clock, TaskRetention retention) {
        this.storage = storage;
        this.deleteTask = deleteTask;
        this.clock = clock;
        this.retention = retention;
    }

    /** One sweep over every stored task, oldest first; answers how many were deleted. */
    int sweep() {
        if (retention.keepsForever()) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(retention.keep());
        int deleted = 0;
        long after = 0;
        for (List<Task> page = storage.scanFinishedBefore(cutoff, after, BATCH); !page.isEmpty() && !stopping();
                page = storage.scanFinishedBefore(cutoff, after, BATCH)) {
            List<String> expired = new ArrayList<>();
            for (Task task : page) {
                if (DeleteTask.finishedBefore(task, cutoff)) {
                    expired.add(task.id());
                }
            }
            after = page.get(page.size() - 1).sequence();
            if (!expired.isEmpty()) {
                deleted += deleteTask.deleteFinishedBefore(expired, cutoff);
            }
        }
        if (deleted > 0) {
            LOG.info("task retention: deleted {} tasks that finished before {}", deleted, cutoff);
        }
        return deleted;
    }

    void start() {
        if (retention.keepsForever()) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("task-retention").daemon(true).start(() -> {
            while (running) {
                try {
                    sweep();
                } catch (StorageUnavailableException e) {
                    LOG.warn("task retention sweep stopped: storage is unavailable ({}); trying again next round",
                            e.getMessage());
                } catch (RuntimeException e) {
                    LOG.error("task retention sweep failed; trying again next round", e);
                }
                synchronized (wake) {
                    try {
                        if (running) {
                            wake.wait(Math.max(1, retention.sweepEvery().toMillis()));
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    private boolean stopping() {
        return thread != null && !running;
    }

    /** Stops between two deletions (never in the middle of one) and waits for the sweep to end. */
    @Override
    public void close() {
        if (thread != null) {
            synchronized (wake) {
                running = false;
                wake.notifyAll();
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
