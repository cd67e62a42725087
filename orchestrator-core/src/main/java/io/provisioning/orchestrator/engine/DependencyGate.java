package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Holds back tasks whose dependencies have not all completed, and lets them go when the last
 * one does. Parked tasks keep their durable queue entry; only the in-memory queue skips them.
 */
final class DependencyGate {
    enum Verdict { READY, WAIT, DEPENDENCY_FAILED }

    private final Function<String, Optional<Task>> lookup;
    private final Map<String, Set<String>> waitersByDependency = new HashMap<>();
    private final Map<String, Task> parked = new HashMap<>();

    DependencyGate(Function<String, Optional<Task>> lookup) {
        this.lookup = lookup;
    }

    synchronized Verdict check(Task task) {
        boolean allDone = true;
        for (String dependency : task.dependencies()) {
            TaskStatus status = lookup.apply(dependency).map(Task::status).orElse(TaskStatus.Failed);
            boolean failed = status == TaskStatus.Failed || status == TaskStatus.Cancelled;
            if (failed && !task.continueOnDependencyFailure()) {
                return Verdict.DEPENDENCY_FAILED;
            }
            allDone &= status == TaskStatus.Completed || failed;
        }
        return allDone ? Verdict.READY : Verdict.WAIT;
    }

    /** The first dependency that failed or was cancelled, for the dependent's error message. */
    synchronized String failedDependency(Task task) {
        return task.dependencies().stream()
                .filter(d -> lookup.apply(d).map(t -> t.status() == TaskStatus.Failed
                        || t.status() == TaskStatus.Cancelled).orElse(true))
                .findFirst().orElse("?");
    }

    /** Parks the task unless its dependencies settled meanwhile; returns false if it should be re-checked now. */
    synchronized boolean park(Task task) {
        if (check(task) != Verdict.WAIT) {
            return false;
        }
        parked.put(task.id(), task);
        for (String dependency : task.dependencies()) {
            waitersByDependency.computeIfAbsent(dependency, d -> new HashSet<>()).add(task.id());
        }
        return true;
    }

    /** A task reached a terminal state: the parked tasks that waited on it, to be checked again. */
    synchronized List<Task> release(String finishedTaskId) {
        Set<String> waiters = waitersByDependency.remove(finishedTaskId);
        List<Task> released = new ArrayList<>();
        if (waiters == null) {
            return released;
        }
        for (String id : waiters) {
            Task task = parked.get(id);
            if (task != null && check(task) != Verdict.WAIT) {
                parked.remove(id);
                released.add(task);
            }
        }
        return released;
    }

    synchronized int parkedCount() {
        return parked.size();
    }

    synchronized boolean isParked(String taskId) {
        return parked.containsKey(taskId);
    }

    synchronized void forget(String taskId) {
        parked.remove(taskId);
    }
}
