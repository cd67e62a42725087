package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.ConflictException;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskNotFoundException;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;

/** Failed or Cancelled -> Pending, as a new attempt; the earlier attempts stay in its history. */
final class RetryTask {
    private final TaskStorage storage;
    private final Clock clock;
    private final TaskLocks locks;
    private final AnnounceChange announce;

    RetryTask(TaskStorage storage, Clock clock, TaskLocks locks, AnnounceChange announce) {
        this.storage = storage;
        this.clock = clock;
        this.locks = locks;
        this.announce = announce;
    }

    Task retry(String taskId) {
        synchronized (locks.forTask(taskId)) {
            Task task = storage.find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
            if (task.status() != TaskStatus.Failed && task.status() != TaskStatus.Cancelled) {
                throw new ConflictException("task " + taskId + " is " + task.status()
                        + "; only Failed or Cancelled tasks can be retried");
            }
            Task again = task.retryOnDemand(clock.instant(), 1);
            if (!storage.compareAndSave(task, again, QueueChange.ADD)) {
                throw new ConflictException("task " + taskId + " changed while it was being retried; try again");
            }
            announce.changed(again);
            announce.queue(again);
            return again;
        }
    }
}
