package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.ConflictException;
import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskNotFoundException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes finished tasks (Completed, Failed, Cancelled) that no unfinished task depends on: the
 * stored task and its queue entry, then a {@link TaskEvent.Deleted} that takes its logs along.
 * An unfinished task, or one an unfinished task still depends on, is never deleted.
 */
final class DeleteTask {
    private final TaskStorage storage;
    private final TaskLocks locks;
    private final DeletionGuard guard;
    private final TaskEventBus events;

    DeleteTask(TaskStorage storage, TaskLocks locks, DeletionGuard guard, TaskEventBus events) {
        this.storage = storage;
        this.locks = locks;
        this.guard = guard;
        this.events = events;
    }

    /** Deletes one task on request; 404 unknown, 409 unfinished or needed. Answers its last state. */
    Task delete(String taskId) {
        return guard.whileDeleting(() -> {
            Map<String, String> dependents = unfinishedDependents();
            synchronized (locks.forTask(taskId)) {
                Task task = storage.find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
                if (!task.status().isTerminal()) {
                    throw new ConflictException("task " + taskId + " is " + task.status()
                            + "; only a finished task (Completed, Failed or Cancelled) can be deleted, so cancel it first");
                }
                String dependent = dependents.get(taskId);
                if (dependent != null) {
                    throw new ConflictException("task " + taskId + " is a dependency of unfinished task " + dependent
                            + "; it can be deleted once that task has finished");
                }
                remove(task);
                return task;
            }
        });
    }

    /** Deletes those of {@code taskIds} that finished before {@code cutoff} and are needed by no unfinished task. */
    int deleteFinishedBefore(List<String> taskIds, Instant cutoff) {
        return guard.whileDeleting(() -> {
            Map<String, String> dependents = unfinishedDependents();
            int deleted = 0;
            for (String id : taskIds) {
                synchronized (locks.forTask(id)) {
                    Optional<Task> task = storage.find(id); // again, under the task's lock: a retry may have won
                    if (task.isPresent() && finishedBefore(task.get(), cutoff) && !dependents.containsKey(id)) {
                        remove(task.get());
                        deleted++;
                    }
                }
            }
            return deleted;
        });
    }

    /** True for a finished task whose finish time is before {@code cutoff}. */
    static boolean finishedBefore(Task task, Instant cutoff) {
        return io.provisioning.orchestrator.storage.TaskStorage.finishedBefore(task, cutoff);
    }

    /** Each task an unfinished task depends on, with one such dependent. */
    private Map<String, String> unfinishedDependents() {
        Map<String, String> dependents = new HashMap<>();
        for (Task task : storage.findUnfinished()) {
            for (String dependency : task.dependencies()) {
                dependents.putIfAbsent(dependency, task.id());
            }
        }
        return dependents;
    }

    private void remove(Task task) {
        if (storage.delete(task.id())) {
            events.publish(new TaskEvent.Deleted(task));
        }
    }
}
