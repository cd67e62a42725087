package io.provisioning.orchestrator.task;

import static io.provisioning.orchestrator.task.TaskStatus.Cancelled;
import static io.provisioning.orchestrator.task.TaskStatus.Completed;
import static io.provisioning.orchestrator.task.TaskStatus.Failed;
import static io.provisioning.orchestrator.task.TaskStatus.Pending;
import static io.provisioning.orchestrator.task.TaskStatus.Running;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The task lifecycle as one explicit table. Every status change goes through {@link #check};
 * a change that is not listed here is a bug or a race, and is refused.
 */
public final class AllowedTransitions {
    private static final Map<TaskStatus, Set<TaskStatus>> TABLE = new EnumMap<>(TaskStatus.class);

    static {
        // Pending -> Failed: a dependency failed or was cancelled, or recovery found attempts used up.
        TABLE.put(Pending, EnumSet.of(Running, Cancelled, Failed));
        // Running -> Pending: a retry is scheduled, or the process running it died and it is re-queued.
        TABLE.put(Running, EnumSet.of(Completed, Failed, Cancelled, Pending));
        // Failed/Cancelled -> Pending: retried on demand.
        TABLE.put(Failed, EnumSet.of(Pending));
        TABLE.put(Cancelled, EnumSet.of(Pending));
        TABLE.put(Completed, EnumSet.noneOf(TaskStatus.class));
    }

    private AllowedTransitions() {}

    public static boolean isAllowed(TaskStatus from, TaskStatus to) {
        return TABLE.get(from).contains(to);
    }

    public static void check(String taskId, TaskStatus from, TaskStatus to) {
        if (!isAllowed(from, to)) {
            throw new IllegalTransitionException(taskId, from, to);
        }
    }
}
