package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.execution.AttemptRejectedException;
import io.provisioning.orchestrator.execution.PreparedAttempt;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.queue.QueueEntry;
import io.provisioning.orchestrator.queue.TaskQueue;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending -> Running, durably, unless it was cancelled meanwhile, must wait for a dependency, would
 * go over a concurrency limit (then it waits, with the reason on the task), or cannot run at all
 * (then it fails without using an attempt). The attempt's process tree is started first, held, and
 * stored in the same write as Running, so no script runs whose tree a crash could lose.
 */
final class ClaimTask {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimTask.class);

    private final TaskStorage storage;
    private final TaskExecutor executor;
    private final Clock clock;
    private final TaskQueue queue;
    private final DependencyGate dependencies;
    private final ConcurrencyGate concurrency;
    private final TaskLocks locks;
    private final AttemptsHere here;
    private final AnnounceChange announce;

    ClaimTask(TaskStorage storage, TaskExecutor executor, Clock clock, TaskQueue queue, DependencyGate dependencies,
            ConcurrencyGate concurrency, TaskLocks locks, AttemptsHere here, AnnounceChange announce) {
        this.storage = storage;
        this.executor = executor;
        this.clock = clock;
        this.queue = queue;
        this.dependencies = dependencies;
        this.concurrency = concurrency;
        this.locks = locks;
        this.here = here;
        this.announce = announce;
    }

    Optional<Claim> claim(QueueEntry entry) {
        synchronized (locks.forTask(entry.taskId())) {
            Optional<Task> found = storage.findToClaim(entry.taskId());
            if (found.isEmpty() || found.get().status() != TaskStatus.Pending) {
                return Optional.empty();
            }
            Task task = found.get();
            if (!task.dependencies().isEmpty() && !dependenciesReady(entry, task)) {
                return Optional.empty();
            }
            Optional<String> mustWait = concurrency.tryAcquire(task);
            if (mustWait.isPresent()) {
                noteWaiting(task, mustWait.get());
                return Optional.empty();
            }
            PreparedAttempt attempt;
            try {
                attempt = executor.prepare(task);
            } catch (AttemptRejectedException e) {
                reject(task, e.getMessage());
                return Optional.empty();
            } catch (RuntimeException e) {
                abandon(entry, task, true);
                throw e;
            }
            return claimWith(entry, task, attempt);
        }
    }

    private Optional<Claim> claimWith(QueueEntry entry, Task task, PreparedAttempt attempt) {
        Task running = task.start(clock.instant(), attempt.process());
        here.holding(task.id());
        boolean won;
        try {
            won = storage.compareAndSave(task, running, QueueChange.REMOVE);
        } catch (StorageUnavailableException e) {
            // the claim may have been stored before the answer was lost: look once storage is back
            LOG.warn("claim of task {} unconfirmed ({}); settling it once storage is back", task.id(), e.getMessage());
            return settleUnconfirmed(entry, task, running, attempt);
        } catch (RuntimeException e) {
            attempt.abandon();
            abandon(entry, task, true);
            throw e;
        }
        if (!won) {
            // another node claimed or changed it first (its new state reaches us through the store), or the
            // copy the claim started from was older than the row (findToClaim): then it is looked at again
            attempt.abandon();
            abandon(entry, task, stillPendingElsewise(task));
            return Optional.empty();
        }
        announce.changed(running);
        return Optional.of(new Claim(running, attempt));
    }

    /**
     * After a refused claim: true when the row is Pending in another state than the one the claim
     * compared against, so the claim started from a stale copy and the task goes back in the queue.
     * False when the row is gone, no longer Pending, or the very state compared against (a row
     * another node holds locked: its outcome arrives through the store).
     */
    private boolean stillPendingElsewise(Task compared) {
        try {
            return storage.find(compared.id())
                    .filter(row -> row.status() == TaskStatus.Pending && !StoredState.same(row, compared)).isPresent();
        } catch (StorageUnavailableException e) {
            return false; // recovery and the other nodes' changes bring it back
        }
    }

    /** False if the task must not start now: it waits for a dependency, or one failed (then it fails too). */
    private boolean dependenciesReady(QueueEntry entry, Task task) {
        switch (dependencies.check(task)) {
            case WAIT -> {
                if (dependencies.park(task)) {
                    noteWaiting(task, "dependencies not completed yet");
                } else {
                    queue.add(entry); // settled meanwhile: look again
                }
                return false;
            }
            case DEPENDENCY_FAILED -> {
                Task failed = task.fail(clock.instant(), null, null,
                        "dependency " + dependencies.failedDependency(task) + " failed or was cancelled");
                if (storage.compareAndSave(task, failed, QueueChange.REMOVE)) {
                    announce.stored(failed);
                }
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    /** Found before the run: no retry can fix it, so Pending -> Failed with no attempt used. */
    private void reject(Task task, String reason) {
        announce.queueAll(concurrency.release(task));
        Task failed = task.fail(clock.instant(), null, null, "not started: " + reason);
        if (storage.compareAndSave(task, failed, QueueChange.REMOVE)) {
            LOG.warn("task {} failed before it ran: {}", task.id(), reason);
            announce.stored(failed);
        }
    }

    private void abandon(QueueEntry entry, Task task, boolean requeue) {
        here.released(task.id());
        announce.queueAll(concurrency.release(task));
        if (requeue) {
            queue.add(entry);
        }
    }

    /**
     * A claim whose answer was lost: waits until the store answers, then runs the task if the claim
     * was stored, re-queues it if it was not, and leaves it alone if it changed elsewhere meanwhile.
     * Called under the task's lock, so a cancel of this task waits too; it would find no storage anyway.
     */
    private Optional<Claim> settleUnconfirmed(QueueEntry entry, Task pending, Task running, PreparedAttempt attempt) {
        long pause = 200;
        while (true) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) { // stopping: a claim that was stored is recovered at the next start
                Thread.currentThread().interrupt();
                attempt.abandon();
                abandon(entry, pending, true);
                return Optional.empty();
            }
            pause = Math.min(pause * 2, 2_000);
            Optional<Task> stored;
            try {
                stored = storage.find(pending.id());
            } catch (StorageUnavailableException e) {
                continue;
            }
            if (stored.isPresent() && StoredState.same(stored.get(), running)) {
                LOG.info("claim of task {} was stored; running it", pending.id());
                announce.changed(running);
                return Optional.of(new Claim(running, attempt));
            }
            attempt.abandon();
            abandon(entry, pending, stored.isPresent() && StoredState.same(stored.get(), pending));
            return Optional.empty();
        }
    }

    private void noteWaiting(Task task, String reason) {
        if (!reason.equals(task.waitingFor())) {
            Task noted = task.waitingFor(clock.instant(), reason);
            try {
                if (storage.compareAndSave(task, noted, QueueChange.KEEP)) {
                    announce.changed(noted);
                }
            } catch (StorageUnavailableException e) { // only a note; the task waits in the gate either way
                LOG.debug("why task {} waits was not stored: {}", task.id(), e.getMessage());
            }
        }
    }
}
