package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.task.Task;

/**
 * Runs one attempt of a task to its end. The extension point for "how work is done": the real
 * one starts a Nushell process; benchmarks use {@link NoopExecutor}.
 */
public interface TaskExecutor {

    /**
     * Makes the next attempt of this Pending task ready without running it (see {@link PreparedAttempt}).
     *
     * @throws AttemptRejectedException when it cannot run at all; the task then fails without using an attempt
     * @throws LauncherUnavailableException when it cannot be started now but may later; the task stays Pending
     */
    default PreparedAttempt prepare(Task pending) {
        return PreparedAttempt.inProcess(this);
    }

    /**
     * Runs the attempt and returns when it is over: finished, failed, timed out or cancelled.
     * Must not throw for a failure of the work itself; that is a result.
     */
    ExecutionResult execute(Task task, ExecutionListener listener);

    /** Ends the attempt of this task if it is running here (process tree included); false if it is not. */
    default boolean cancel(String taskId) {
        return false;
    }

    /**
     * Ends the attempt of this task at once (process tree included, KILL without a grace period) and
     * makes it end {@link ExecutionResult.Outcome#INTERRUPTED} with {@code reason}: the task is not
     * this node's to run any more (its lease may lapse). A script that exited 0 before the KILL
     * reached it keeps its outcome. Returns when the tree is proven gone; false if no attempt of the
     * task runs here, or its tree outlived the KILL.
     */
    default boolean interrupt(String taskId, String reason) {
        return false;
    }
}
