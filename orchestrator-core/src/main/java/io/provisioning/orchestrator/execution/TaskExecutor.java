package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.task.Task;

/**
 * Runs one attempt of a task to its end. The extension point for "how work is done": the real
 * one starts a Nushell process; benchmarks use {@link NoopExecutor}.
 */
public interface TaskExecutor {

    /**
     * Runs the attempt and returns when it is over: finished, failed, timed out or cancelled.
     * Must not throw for a failure of the work itself; that is a result.
     */
    ExecutionResult execute(Task task, ExecutionListener listener);

    /** Ends the attempt of this task if it is running here (process tree included); false if it is not. */
    default boolean cancel(String taskId) {
        return false;
    }
}
