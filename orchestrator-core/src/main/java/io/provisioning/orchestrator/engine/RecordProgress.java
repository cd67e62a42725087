package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.ExecutionListener;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the progress reports of one running attempt on its task, coalesced: at most one durable
 * write per {@link #INTERVAL}; a report arriving sooner waits for the next slot, replaced by any
 * newer one, and the last is always written (at the latest at {@link #finish}, when the attempt
 * ends). Each stored report reaches watchers as a small {@code Progressed} event, not the whole
 * task. Log lines are passed on to watchers.
 */
final class RecordProgress implements ExecutionListener {
    /** At most one durable progress write per task this often. */
    static final Duration INTERVAL = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(RecordProgress.class);

    private final TaskStorage storage;
    private final Clock clock;
    private final TaskEventBus events;
    private final TaskLocks locks;
    private final String taskId;
    private final int attempt;
    private Progress pending;
    private Instant lastStored;
    private boolean flushScheduled;
    private boolean finished;

    RecordProgress(TaskStorage storage, Clock clock, TaskEventBus events, TaskLocks locks, Task claimed) {
        this.storage = storage;
        this.clock = clock;
        this.events = events;
        this.locks = locks;
        this.taskId = claimed.id();
        this.attempt = claimed.attempts();
    }

    @Override
    public synchronized void onProgress(Progress progress) {
        if (finished) {
            return;
        }
        Instant now = clock.instant();
        if (lastStored == null || !now.isBefore(lastStored.plus(INTERVAL))) {
            pending = null;
            storeNow(progress);
            return;
        }
        pending = progress;
        if (!flushScheduled) {
            flushScheduled = true;
            long waitMillis = Math.max(1, Duration.between(now, lastStored.plus(INTERVAL)).toMillis());
            CompletableFuture.delayedExecutor(waitMillis, TimeUnit.MILLISECONDS, r -> Thread.ofVirtual().start(r))
                    .execute(this::flush);
        }
    }

    private synchronized void flush() {
        flushScheduled = false;
        if (pending != null && !finished) {
            Progress last = pending;
            pending = null;
            storeNow(last);
        }
    }

    /** The attempt is over: writes what is still waiting, and nothing after. */
    synchronized void finish() {
        if (pending != null) {
            Progress last = pending;
            pending = null;
            storeNow(last);
        }
        finished = true;
    }

    private void storeNow(Progress progress) {
        lastStored = clock.instant();
        try {
            store(progress);
        } catch (StorageUnavailableException e) { // progress is a hint; the outcome is what must be kept
            LOG.debug("progress of task {} not stored: {}", taskId, e.getMessage());
        }
    }

    @Override
    public void onLine(String stream, String line) {
        events.publish(new TaskEvent.LogLine(taskId, attempt, stream, line));
    }

    private void store(Progress progress) {
        synchronized (locks.forTask(taskId)) {
            storage.find(taskId).filter(t -> t.status() == TaskStatus.Running && t.attempts() == attempt)
                    .ifPresent(t -> {
                        Task updated = t.withProgress(clock.instant(), progress);
                        if (storage.compareAndSave(t, updated, QueueChange.KEEP)) {
                            events.publish(new TaskEvent.Progressed(taskId, attempt, progress, updated.updatedAt()));
                        }
                    });
        }
    }
}
