package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.ConflictException;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.queue.TaskQueue;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskNotFoundException;
import java.time.Clock;

/** Cancels a Pending task at once; for a Running one, ends its process tree and lets the worker record Cancelled. */
final class CancelTask {
    private final TaskStorage storage;
    private final TaskExecutor executor;
    private final Clock clock;
    private final TaskQueue queue;
    private final DependencyGate dependencies;
    private final ConcurrencyGate concurrency;
    private final TaskLocks locks;
    private final AttemptsHere here;
    private final AnnounceChange announce;

    CancelTask(TaskStorage storage, TaskExecutor executor, Clock clock, TaskQueue queue, DependencyGate dependencies,
            ConcurrencyGate concurrency, TaskLocks locks, AttemptsHere here, AnnounceChange announce) {
        this.storage = storage;
        this.executor = executor;
        this.clock = clock;
        this.queue = queue;
        this.dependencies = dependencies;
        this.concurrency = concurrency;
        this.locks = locks;
        this.here = here;
        this.announce = announce;
    }

    Task cancel(String taskId) {
        synchronized (locks.forTask(taskId)) {
            Task task = storage.find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
            switch (task.status()) {
                case Cancelled -> {
                    return task;
                }
                case Completed, Failed -> throw new ConflictException(
                        "task " + taskId + " already ended " + task.status() + "; there is nothing to cancel");
                case Pending -> {
                    return cancelPending(task);
                }
                default -> here.requestCancel(taskId);
            }
        }
        executor.cancel(taskId); // TERM, then KILL after the grace period; the worker records Cancelled
        return storage.find(taskId).orElseThrow();
    }

    private Task cancelPending(Task task) {
        Task cancelled = task.cancel(clock.instant(), "cancelled by request");
        if (!storage.compareAndSave(task, cancelled, QueueChange.REMOVE)) {
            throw new ConflictException("task " + task.id() + " changed while it was being cancelled; try again");
        }
        queue.remove(task.id());
        dependencies.forget(task.id());
        concurrency.forget(task.id());
        announce.stored(cancelled);
        return cancelled;
    }
}
