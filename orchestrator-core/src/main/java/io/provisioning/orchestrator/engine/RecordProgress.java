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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stores each progress report of a running attempt on its task and passes log lines on to watchers. */
final class RecordProgress implements ExecutionListener {
    private static final Logger LOG = LoggerFactory.getLogger(RecordProgress.class);

    private final TaskStorage storage;
    private final Clock clock;
    private final TaskEventBus events;
    private final TaskLocks locks;
    private final String taskId;
    private final int attempt;

    RecordProgress(TaskStorage storage, Clock clock, TaskEventBus events, TaskLocks locks, Task claimed) {
        this.storage = storage;
        this.clock = clock;
        this.events = events;
        this.locks = locks;
        this.taskId = claimed.id();
        this.attempt = claimed.attempts();
    }

    @Override
    public void onProgress(Progress progress) {
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
                            events.publish(new TaskEvent.Changed(updated));
                        }
                    });
        }
    }
}
