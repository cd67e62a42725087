package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a stored claim's attempt to its end; a cancel that came before it started ends it unrun. */
final class RunAttempt {
    private static final Logger LOG = LoggerFactory.getLogger(RunAttempt.class);

    private final TaskStorage storage;
    private final Clock clock;
    private final TaskEventBus events;
    private final TaskLocks locks;
    private final AttemptsHere here;

    RunAttempt(TaskStorage storage, Clock clock, TaskEventBus events, TaskLocks locks, AttemptsHere here) {
        this.storage = storage;
        this.clock = clock;
        this.events = events;
        this.locks = locks;
        this.here = here;
    }

    ExecutionResult run(Claim claim) {
        if (here.isCancelRequested(claim.task().id())) {
            claim.attempt().abandon();
            return new ExecutionResult(ExecutionResult.Outcome.CANCELLED, null, "", "cancelled before it started");
        }
        try {
            return claim.attempt().run(claim.task(), new RecordProgress(storage, clock, events, locks, claim.task()));
        } catch (RuntimeException e) {
            LOG.error("executor failed on task {}", claim.task().id(), e);
            return new ExecutionResult(ExecutionResult.Outcome.FAILED, null, "", "executor error: " + e.getMessage());
        }
    }
}
