package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.execution.LauncherUnavailableException;
import io.provisioning.orchestrator.queue.QueueEntry;
import io.provisioning.orchestrator.queue.TaskQueue;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue entry's way through a worker, in three steps: {@link ClaimTask}, {@link RunAttempt},
 * {@link RecordOutcome}. Cancel, retry and following other nodes are steps of their own
 * ({@link CancelTask}, {@link RetryTask}, {@link FollowChange}); none of them calls back up.
 */
final class TaskLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLifecycle.class);
    /** How long a worker waits after the launcher could not start an attempt, before it takes the next task. */
    static final Duration LAUNCHER_PAUSE = Duration.ofMillis(500);

    private final ClaimTask claim;
    private final RunAttempt run;
    private final RecordOutcome record;
    private final TaskQueue queue;
    private final AttemptsHere here;

    TaskLifecycle(ClaimTask claim, RunAttempt run, RecordOutcome record, TaskQueue queue, AttemptsHere here) {
        this.claim = claim;
        this.run = run;
        this.record = record;
        this.queue = queue;
        this.here = here;
    }

    void runOne(QueueEntry entry) {
        Optional<Claim> claimed;
        try {
            claimed = claim.claim(entry);
        } catch (StorageUnavailableException e) {
            queue.add(entry); // nothing was claimed; the workers pause until storage is back
            LOG.warn("cannot claim task {} now: {}", entry.taskId(), e.getMessage());
            return;
        } catch (LauncherUnavailableException e) {
            // the claim put the task back, Pending, no attempt used; this worker pauses before the next
            LOG.warn("cannot start task {} now: {}; it stays Pending and is tried again", entry.taskId(), e.getMessage());
            try {
                Thread.sleep(LAUNCHER_PAUSE.toMillis());
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        if (claimed.isEmpty()) {
            return;
        }
        try {
            ExecutionResult result = run.run(claimed.get());
            // an attempt interrupted by shutdown comes back with the interrupt flag set; the write that
            // re-queues it must still wait for the storage, so the flag is put aside until it is done
            boolean interrupted = Thread.interrupted();
            try {
                record.record(claimed.get().task(), result);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            here.released(claimed.get().task().id());
        }
    }
}
