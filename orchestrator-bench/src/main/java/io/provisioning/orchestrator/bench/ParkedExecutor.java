package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.execution.ExecutionListener;
import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.task.Task;
import java.util.concurrent.CountDownLatch;

/**
 * Holds every attempt until the orchestrator stops and interrupts it, so that each worker takes one
 * task and everything else stays queued. An interrupted attempt is re-queued, as on any shutdown.
 */
final class ParkedExecutor implements TaskExecutor {
    private final CountDownLatch never = new CountDownLatch(1);

    @Override
    public ExecutionResult execute(Task task, ExecutionListener listener) {
        try {
            never.await();
            return ExecutionResult.succeeded("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExecutionResult(ExecutionResult.Outcome.INTERRUPTED, null, "", "benchmark stopping");
        }
    }
}
