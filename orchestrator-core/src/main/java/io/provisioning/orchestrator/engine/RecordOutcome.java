package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.retry.NonRetryableExitCodes;
import io.provisioning.orchestrator.retry.RetryPolicy;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores how an attempt ended: Completed, Cancelled, re-queued after an interruption, retried
 * later while attempts are left and the failure is one a retry may fix, else Failed. The outcome
 * of work that was done must not be lost, so while the store is unreachable this waits and tries
 * again; if the task was taken over by another node meanwhile, the outcome is dropped, because that
 * node owns the task now. Every write is a compare-and-set against the state read.
 */
final class RecordOutcome {
    private static final Logger LOG = LoggerFactory.getLogger(RecordOutcome.class);

    private final TaskStorage storage;
    private final Clock clock;
    private final ConcurrencyGate concurrency;
    private final TaskLocks locks;
    private final RetryPolicy retryPolicy;
    private final AttemptsHere here;
    private final AnnounceChange announce;

    RecordOutcome(TaskStorage storage, Clock clock, ConcurrencyGate concurrency, TaskLocks locks,
            RetryPolicy retryPolicy, AttemptsHere here, AnnounceChange announce) {
        this.storage = storage;
        this.clock = clock;
        this.concurrency = concurrency;
        this.locks = locks;
        this.retryPolicy = retryPolicy;
        this.here = here;
        this.announce = announce;
    }

    /** The write of an outcome, kept across tries: one whose answer was lost may have been stored. */
    private static final class OutcomeWrite {
        Task expected;
        Task next;
        Boolean cancelled;
    }

    void record(Task claimed, ExecutionResult result) {
        long pause = 200;
        OutcomeWrite write = new OutcomeWrite();
        while (true) {
            try {
                recordOnce(claimed, result, write);
                return;
            } catch (StorageUnavailableException e) {
                if (pause == 200) {
                    LOG.warn("cannot store the outcome of task {} ({}); trying again until storage is back",
                            claimed.id(), e.getMessage());
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    LOG.error("gave up storing the outcome of task {}: interrupted; it stays Running until recovered",
                            claimed.id());
                    return;
                }
                pause = Math.min(pause * 2, 5_000);
            }
        }
    }

    private void recordOnce(Task claimed, ExecutionResult result, OutcomeWrite write) {
        Task settled;
        synchronized (locks.forTask(claimed.id())) {
            settled = write.next == null && storage.isShared() ? storeOverClaimed(claimed, result, write).orElse(null) : null;
            if (settled == null) {
                Task task = storage.find(claimed.id()).orElseThrow();
                if (write.next != null && StoredState.same(task, write.next)) { // the earlier try was stored after all
                    settled = write.next;
                } else {
                    Optional<Task> written = writeOutcome(claimed, result, write, task);
                    if (written.isEmpty()) {
                        return;
                    }
                    settled = written.get();
                }
            }
        }
        announceSettled(settled, result);
    }

    /**
     * The first try on a shared store, without reading the task (a round trip and a parse there):
     * the outcome written over the claimed state, which is what the store holds unless something
     * changed the task since (a progress note, another node); then the compare-and-set fails,
     * nothing is written, and the caller reads and decides. Not on a store only this process uses:
     * its compare-and-set does not compare (this process's task locks order its writes), and its
     * read costs nothing.
     */
    private Optional<Task> storeOverClaimed(Task claimed, ExecutionResult result, OutcomeWrite write) {
        Task next = next(claimed, result, cancelled(write, claimed));
        write.expected = claimed;
        write.next = next;
        if (storage.compareAndSave(claimed, next, next.status() == TaskStatus.Pending ? QueueChange.ADD : QueueChange.KEEP)) {
            return Optional.of(next);
        }
        write.expected = null;
        write.next = null;
        return Optional.empty();
    }

    /** Whether a cancel was requested, asked once per outcome: the request is taken when asked. */
    private boolean cancelled(OutcomeWrite write, Task claimed) {
        if (write.cancelled == null) {
            write.cancelled = here.takeCancelRequest(claimed.id());
        }
        return write.cancelled;
    }

    private void announceSettled(Task settled, ExecutionResult result) {
        announce.queueAll(concurrency.release(settled));
        announce.stored(settled);
        if (settled.status() == TaskStatus.Pending && result.outcome() != ExecutionResult.Outcome.INTERRUPTED) {
            announce.queue(settled); // after its event, so watchers see the retry before the next start
        }
    }

    /** Stores the outcome over {@code task}; empty if the task changed elsewhere and the outcome is dropped. */
    private Optional<Task> writeOutcome(Task claimed, ExecutionResult result, OutcomeWrite write, Task task) {
        if (task.status() != TaskStatus.Running || task.attempts() != claimed.attempts()) {
            announce.queueAll(concurrency.release(claimed));
            LOG.warn("task {} changed elsewhere while attempt {} ran here (now {} attempt {}); its outcome is dropped",
                    claimed.id(), claimed.attempts(), task.status(), task.attempts());
            return Optional.empty();
        }
        if (write.next != null && StoredState.same(task, write.expected)) { // the earlier try was not stored: again
            return store(claimed, write, task, write.next);
        }
        return store(claimed, write, task, next(task, result, cancelled(write, claimed)));
    }

    private Task next(Task task, ExecutionResult result, boolean cancelled) {
        Instant now = clock.instant();
        if (cancelled && result.outcome() != ExecutionResult.Outcome.SUCCEEDED) {
            return task.cancel(now, "cancelled by request");
        }
        return switch (result.outcome()) {
            case SUCCEEDED -> task.complete(now, 0, result.output());
            case CANCELLED -> task.cancel(now, result.error());
            case INTERRUPTED -> task.requeueAfterInterruption(now, result.error());
            case FAILED, TIMED_OUT -> {
                Optional<String> permanent = NonRetryableExitCodes.meaning(result.exitCode());
                if (permanent.isPresent()) {
                    yield task.fail(now, result.exitCode(), result.output(), "not retried, the script said "
                            + permanent.get() + " (exit code " + result.exitCode() + "): " + result.error());
                }
                yield task.hasAttemptsLeft()
                        ? task.retryLater(now, now.plus(retryPolicy.delayAfter(task.attempts())),
                                result.exitCode(), result.output(), result.error())
                        : task.fail(now, result.exitCode(), result.output(), result.error());
            }
        };
    }

    private Optional<Task> store(Task claimed, OutcomeWrite write, Task task, Task next) {
        write.expected = task;
        write.next = next;
        boolean stored = storage.compareAndSave(task, next,
                next.status() == TaskStatus.Pending ? QueueChange.ADD : QueueChange.KEEP);
        if (!stored) {
            announce.queueAll(concurrency.release(claimed));
            LOG.warn("task {} was taken over by another node while attempt {} ran here; its outcome is dropped",
                    claimed.id(), claimed.attempts());
            return Optional.empty();
        }
        return Optional.of(next);
    }
}
