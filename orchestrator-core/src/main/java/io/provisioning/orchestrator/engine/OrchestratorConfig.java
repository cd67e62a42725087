package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.retry.RetryPolicy;
import java.time.Duration;

/**
 * How the engine behaves.
 *
 * @param workers          tasks that may run at once (default 4)
 * @param retryPolicy      delay between attempts (default 1 s doubling, capped at 5 min, jittered)
 * @param shutdownGrace    how long running tasks may go on after a stop is asked for (default 30 s)
 * @param limits           concurrency limits per lock key (default one running operation per server)
 * @param retention        how long finished tasks are kept (default {@link TaskRetention#FOREVER})
 */
public record OrchestratorConfig(int workers, RetryPolicy retryPolicy, Duration shutdownGrace,
        ConcurrencyLimits limits, TaskRetention retention) {
    public static OrchestratorConfig defaults() {
        return new OrchestratorConfig(4, RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5)),
                Duration.ofSeconds(30), ConcurrencyLimits.defaults(), TaskRetention.FOREVER);
    }

    public OrchestratorConfig withWorkers(int n) {
        return new OrchestratorConfig(n, retryPolicy, shutdownGrace, limits, retention);
    }

    public OrchestratorConfig withRetryPolicy(RetryPolicy policy) {
        return new OrchestratorConfig(workers, policy, shutdownGrace, limits, retention);
    }

    public OrchestratorConfig withLimits(ConcurrencyLimits newLimits) {
        return new OrchestratorConfig(workers, retryPolicy, shutdownGrace, newLimits, retention);
    }

    public OrchestratorConfig withShutdownGrace(Duration grace) {
        return new OrchestratorConfig(workers, retryPolicy, grace, limits, retention);
    }

    public OrchestratorConfig withRetention(TaskRetention newRetention) {
        return new OrchestratorConfig(workers, retryPolicy, shutdownGrace, limits, newRetention);
    }
}
