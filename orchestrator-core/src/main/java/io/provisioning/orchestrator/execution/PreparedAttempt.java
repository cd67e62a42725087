package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.task.AttemptProcess;
import io.provisioning.orchestrator.task.Task;

/**
 * An attempt made ready but held before its script runs, so that its process tree can be stored
 * with the claim first: after a crash the next start finds the tree by what was stored.
 */
public interface PreparedAttempt {

    /** The tree that will run the attempt, stored with the claim; null when nothing runs outside this JVM. */
    AttemptProcess process();

    /** The claim (with {@link #process()}) is stored: runs the attempt and returns how it ended. */
    ExecutionResult run(Task claimed, ExecutionListener listener);

    /** The claim was not stored: the held tree ends without having run anything. */
    void abandon();

    /** An attempt run in this JVM by {@code executor}, with no tree of its own. */
    static PreparedAttempt inProcess(TaskExecutor executor) {
        return new PreparedAttempt() {
            @Override
            public AttemptProcess process() {
                return null;
            }

            @Override
            public ExecutionResult run(Task claimed, ExecutionListener listener) {
                return executor.execute(claimed, listener);
            }

            @Override
            public void abandon() {}
        };
    }
}
