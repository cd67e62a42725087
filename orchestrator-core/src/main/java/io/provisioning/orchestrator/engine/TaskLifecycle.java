package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.ExecutionListener;
import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.queue.QueueEntry;
import io.provisioning.orchestrator.queue.TaskQueue;
import io.provisioning.orchestrator.retry.RetryPolicy;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue entry's way through a worker: claim, run the attempt, record how it ended. Every
 * change of a stored task is a compare-and-set against the state read, so on a store shared by
 * several nodes a change made elsewhere meanwhile wins and this node's stale one is dropped.
 */
final class TaskLifecycle {
    /** At most one durable progress write per task this often. */
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(TaskLifecycle.class);

    private final TaskStorage storage;
    private final TaskExecutor executor;
    private final Clock clock;
    private final TaskEventBus events;
    private final TaskQueue queue;
    private final DependencyGate dependencies;
    private final ConcurrencyGate concurrency;
    private final TaskLocks locks;
    private final RetryPolicy retryPolicy;
    /** Running tasks a user asked to cancel: whatever their attempt's outcome, they end Cancelled. */
    private final Set<String> cancelRequested = ConcurrentHashMap.newKeySet();
    /** Tasks a worker of this node holds, so no sweep takes them over while their outcome waits for the store. */
    private final Set<String> runningHere = ConcurrentHashMap.newKeySet();

    TaskLifecycle(TaskStorage storage, TaskExecutor executor, Clock clock, TaskEventBus events, TaskQueue queue,
            DependencyGate dependencies, ConcurrencyGate concurrency, TaskLocks locks, RetryPolicy retryPolicy) {
        this.storage = storage;
        this.executor = executor;
        this.clock = clock;
        this.events = events;
        this.queue = queue;
        this.dependencies = dependencies;
        this.concurrency = concurrency;
        this.locks = locks;
        this.retryPolicy = retryPolicy;
    }

    void runOne(QueueEntry entry) {
        Optional<Task> claimed;
        try {
            claimed = claim(entry);
        } catch (StorageUnavailableException e) {
            queue.add(entry); // nothing was claimed; the workers pause until storage is back
            LOG.warn("cannot claim task {} now: {}", entry.taskId(), e.getMessage());
            return;
        }
        if (claimed.isEmpty()) {
            return;
        }
        try {
            runClaimed(claimed.get());
        } finally {
            runningHere.remove(claimed.get().id());
        }
    }

    /** True while this node's worker holds the task: claimed, running, or storing its outcome. */
    boolean isRunningHere(String taskId) {
        return runningHere.contains(taskId);
    }

    private void runClaimed(Task task) {
        ExecutionResult result;
        if (cancelRequested.contains(task.id())) {
            result = new ExecutionResult(ExecutionResult.Outcome.CANCELLED, null, "", "cancelled before it started");
        } else {
            try {
                ProgressRecorder recorder = new ProgressRecorder(task.id(), task.attempts());
                try {
                    result = executor.execute(task, recorder);
                } finally {
                    recorder.finish(); // the last progress line is always kept
                }
            } catch (RuntimeException e) {
                LOG.error("executor failed on task {}", task.id(), e);
                result = new ExecutionResult(ExecutionResult.Outcome.FAILED, null, "", "executor error: " + e.getMessage());
            }
        }
        // an attempt interrupted by shutdown comes back with the interrupt flag set; the write that
        // re-queues it must still wait for the storage, so the flag is put aside until it is done
        boolean interrupted = Thread.interrupted();
        try {
            record(task, result);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Pending -> Running, durably, unless it was cancelled meanwhile, must wait for a dependency,
     * or would go over a concurrency limit (then it waits, with the reason on the task).
     */
    private Optional<Task> claim(QueueEntry entry) {
        synchronized (locks.forTask(entry.taskId())) {
            Optional<Task> found = storage.find(entry.taskId());
            if (found.isEmpty() || found.get().status() != TaskStatus.Pending) {
                return Optional.empty();
            }
            Task task = found.get();
            if (!task.dependencies().isEmpty()) {
                switch (dependencies.check(task)) {
                    case WAIT -> {
                        if (dependencies.park(task)) {
                            noteWaiting(task, "dependencies not completed yet");
                        } else {
                            queue.add(entry); // settled meanwhile: look again
                        }
                        return Optional.empty();
                    }
                    case DEPENDENCY_FAILED -> {
                        Task failed = task.fail(clock.instant(), null, null,
                                "dependency " + dependencies.failedDependency(task) + " failed or was cancelled");
                        if (storage.compareAndSave(task, failed, QueueChange.REMOVE)) {
                            published(failed);
                        }
                        return Optional.empty();
                    }
                    case READY -> { }
                }
            }
            Optional<String> mustWait = concurrency.tryAcquire(task);
            if (mustWait.isPresent()) {
                noteWaiting(task, mustWait.get());
                return Optional.empty();
            }
            Task running = task.start(clock.instant());
            runningHere.add(task.id());
            boolean won;
            try {
                won = storage.compareAndSave(task, running, QueueChange.REMOVE);
            } catch (StorageUnavailableException e) {
                // the claim may have been stored before the answer was lost: look once storage is back
                LOG.warn("claim of task {} unconfirmed ({}); settling it once storage is back", task.id(), e.getMessage());
                return settleUnconfirmedClaim(entry, task, running);
            } catch (RuntimeException e) {
                abandonClaim(entry, task, true);
                throw e;
            }
            if (!won) { // another node claimed or changed it first; its new state reaches us through the store
                abandonClaim(entry, task, false);
                return Optional.empty();
            }
            events.publish(new TaskEvent.Changed(running));
            return Optional.of(running);
        }
    }

    private void abandonClaim(QueueEntry entry, Task task, boolean requeue) {
        runningHere.remove(task.id());
        requeueReleased(concurrency.release(task));
        if (requeue) {
            queue.add(entry);
        }
    }

    /**
     * A claim whose answer was lost: waits until the store answers, then runs the task if the claim
     * was stored, re-queues it if it was not, and leaves it alone if it changed elsewhere meanwhile.
     * Called under the task's lock, so a cancel of this task waits too; it would find no storage anyway.
     */
    private Optional<Task> settleUnconfirmedClaim(QueueEntry entry, Task pending, Task running) {
        long pause = 200;
        while (true) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) { // stopping: a claim that was stored is recovered at the next start
                Thread.currentThread().interrupt();
                abandonClaim(entry, pending, true);
                return Optional.empty();
            }
            pause = Math.min(pause * 2, 2_000);
            Optional<Task> stored;
            try {
                stored = storage.find(pending.id());
            } catch (StorageUnavailableException e) {
                continue;
            }
            if (stored.isPresent() && sameState(stored.get(), running)) {
                LOG.info("claim of task {} was stored; running it", pending.id());
                events.publish(new TaskEvent.Changed(running));
                return Optional.of(running);
            }
            abandonClaim(entry, pending, stored.isPresent() && sameState(stored.get(), pending));
            return Optional.empty();
        }
    }

    /** The fields a compare-and-set compares: equal means no other write came between. */
    private static boolean sameState(Task a, Task b) {
        return a.status() == b.status() && a.attempts() == b.attempts() && java.util.Objects.equals(a.updatedAt(), b.updatedAt());
    }

    private void requeueReleased(java.util.List<Task> woken) {
        for (Task task : woken) {
            queue.add(Orchestrator.entryFor(task));
        }
    }

    private void noteWaiting(Task task, String reason) {
        if (!reason.equals(task.waitingFor())) {
            Task noted = task.waitingFor(clock.instant(), reason);
            try {
                if (storage.compareAndSave(task, noted, QueueChange.KEEP)) {
                    events.publish(new TaskEvent.Changed(noted));
                }
            } catch (StorageUnavailableException e) { // only a note; the task waits in the gate either way
                LOG.debug("why task {} waits was not stored: {}", task.id(), e.getMessage());
            }
        }
    }

    /**
     * Stores how the attempt ended. The outcome of work that was done must not be lost, so while
     * the store is unreachable this waits and tries again (the lease, if any, is renewed meanwhile
     * by the store once it is back; if it lapsed and another node took the task over, the outcome
     * is dropped, because that node owns the task now).
     */
    private void record(Task claimed, ExecutionResult result) {
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

    /** The write of an outcome, kept across tries: one whose answer was lost may have been stored. */
    private static final class OutcomeWrite {
        Task expected;
        Task next;
    }

    private void recordOnce(Task claimed, ExecutionResult result, OutcomeWrite write) {
        String taskId = claimed.id();
        Task settled;
        synchronized (locks.forTask(taskId)) {
            Task task = storage.find(taskId).orElseThrow();
            if (write.next != null && sameState(task, write.next)) { // the earlier try was stored after all
                settled = write.next;
            } else {
                settled = writeOutcome(claimed, result, write, task);
                if (settled == null) {
                    return;
                }
            }
        }
        for (Task woken : concurrency.release(settled)) {
            queue.add(Orchestrator.entryFor(woken));
        }
        published(settled);
        if (settled.status() == TaskStatus.Pending && result.outcome() != ExecutionResult.Outcome.INTERRUPTED) {
            queue.add(Orchestrator.entryFor(settled)); // after its event, so watchers see the retry before the next start
        }
    }

    /** Stores the outcome over {@code task}; null if the task changed elsewhere and the outcome is dropped. */
    private Task writeOutcome(Task claimed, ExecutionResult result, OutcomeWrite write, Task task) {
        String taskId = claimed.id();
        if (task.status() != TaskStatus.Running || task.attempts() != claimed.attempts()) {
            requeueReleased(concurrency.release(claimed));
            LOG.warn("task {} changed elsewhere while attempt {} ran here (now {} attempt {}); its outcome is dropped",
                    taskId, claimed.attempts(), task.status(), task.attempts());
            return null;
        }
        if (write.next != null && sameState(task, write.expected)) { // the earlier try was not stored: again
            return store(claimed, write, task, write.next) ? write.next : null;
        }
        Instant now = clock.instant();
        boolean cancelled = cancelRequested.remove(taskId);
        Task next;
        if (cancelled && result.outcome() != ExecutionResult.Outcome.SUCCEEDED) {
            next = task.cancel(now, "cancelled by request");
        } else {
            next = switch (result.outcome()) {
                case SUCCEEDED -> task.complete(now, 0, result.output());
                case CANCELLED -> task.cancel(now, result.error());
                case INTERRUPTED -> task.requeueAfterInterruption(now, result.error());
                case FAILED, TIMED_OUT -> task.hasAttemptsLeft()
                        ? task.retryLater(now, now.plus(retryPolicy.delayAfter(task.attempts())),
                                result.exitCode(), result.output(), result.error())
                        : task.fail(now, result.exitCode(), result.output(), result.error());
            };
        }
        return store(claimed, write, task, next) ? next : null;
    }

    private boolean store(Task claimed, OutcomeWrite write, Task task, Task next) {
        write.expected = task;
        write.next = next;
        boolean stored = storage.compareAndSave(task, next,
                next.status() == TaskStatus.Pending ? QueueChange.ADD : QueueChange.KEEP);
        if (!stored) {
            requeueReleased(concurrency.release(claimed));
            LOG.warn("task {} was taken over by another node while attempt {} ran here; its outcome is dropped",
                    claimed.id(), claimed.attempts());
        }
        return stored;
    }

    /** Cancels a Pending task at once; for a Running one, ends its process tree and lets record() settle it. */
    Task cancel(String taskId) {
        boolean running;
        synchronized (locks.forTask(taskId)) {
            Task task = storage.find(taskId).orElseThrow(() -> new io.provisioning.orchestrator.task.TaskNotFoundException(taskId));
            switch (task.status()) {
                case Cancelled -> {
                    return task;
                }
                case Completed, Failed -> throw new io.provisioning.orchestrator.ConflictException(
                        "task " + taskId + " already ended " + task.status() + "; there is nothing to cancel");
                case Pending -> {
                    Task cancelled = task.cancel(clock.instant(), "cancelled by request");
                    if (!storage.compareAndSave(task, cancelled, QueueChange.REMOVE)) {
                        throw new io.provisioning.orchestrator.ConflictException("task " + taskId
                                + " changed while it was being cancelled; try again");
                    }
                    queue.remove(taskId);
                    dependencies.forget(taskId);
                    concurrency.forget(taskId);
                    published(cancelled);
                    return cancelled;
                }
                default -> {
                    cancelRequested.add(taskId);
                    running = true;
                }
            }
        }
        if (running) {
            executor.cancel(taskId); // TERM, then KILL after the grace period; the worker records Cancelled
        }
        return storage.find(taskId).orElseThrow();
    }

    /** Failed or Cancelled -> Pending, as a new attempt; the earlier attempts stay in its history. */
    Task retry(String taskId) {
        synchronized (locks.forTask(taskId)) {
            Task task = storage.find(taskId).orElseThrow(() -> new io.provisioning.orchestrator.task.TaskNotFoundException(taskId));
            if (task.status() != TaskStatus.Failed && task.status() != TaskStatus.Cancelled) {
                throw new io.provisioning.orchestrator.ConflictException("task " + taskId + " is " + task.status()
                        + "; only Failed or Cancelled tasks can be retried");
            }
            Task again = task.retryOnDemand(clock.instant(), 1);
            if (!storage.compareAndSave(task, again, QueueChange.ADD)) {
                throw new io.provisioning.orchestrator.ConflictException("task " + taskId
                        + " changed while it was being retried; try again");
            }
            events.publish(new TaskEvent.Changed(again));
            queue.add(Orchestrator.entryFor(again));
            return again;
        }
    }

    /** A task changed on another node sharing the store: keep this node's queue and gates in step, and tell watchers. */
    void changedElsewhere(Task task) {
        events.publish(new TaskEvent.Changed(task));
        follow(task, OTHER_NODES_FIRST);
    }

    /**
     * How long a task queued by another node is left to that node before this one competes for it.
     * Each node mostly runs what it was given, so nodes rarely race for the same claim; a busy or
     * dead node's tasks are still picked up by the others soon after.
     */
    static final java.time.Duration OTHER_NODES_FIRST = java.time.Duration.ofMillis(1500);

    /** Brings the queue and the gates in line with a task's new state, made elsewhere or by a takeover. */
    void follow(Task task, java.time.Duration holdBack) {
        switch (task.status()) {
            case Pending -> {
                if (!dependencies.isParked(task.id()) && !concurrency.isWaiting(task.id())) {
                    Instant notBefore = clock.instant().plus(holdBack);
                    if (task.nextAttemptAt() != null && task.nextAttemptAt().isAfter(notBefore)) {
                        notBefore = task.nextAttemptAt();
                    }
                    queue.add(new QueueEntry(task.id(), task.priority(), task.sequence(), notBefore));
                }
            }
            case Running -> queue.remove(task.id());
            default -> {
                queue.remove(task.id());
                dependencies.forget(task.id());
                concurrency.forget(task.id());
                for (Task released : dependencies.release(task.id())) {
                    queue.add(Orchestrator.entryFor(released));
                }
            }
        }
    }

    /** Held back here: waiting for a dependency or for a concurrency limit. */
    boolean isHeldBack(String taskId) {
        return dependencies.isParked(taskId) || concurrency.isWaiting(taskId);
    }

    private void published(Task task) {
        events.publish(new TaskEvent.Changed(task));
        if (task.status().isTerminal()) {
            for (Task released : dependencies.release(task.id())) {
                queue.add(Orchestrator.entryFor(released));
            }
        }
    }

    /**
     * Stores the progress reports of one attempt on the task, coalesced: at most one durable write
     * per {@link #PROGRESS_INTERVAL}; a report arriving sooner waits for the next slot, replaced
     * by any newer one, and the last is always written (at the latest when the attempt ends). Each
     * stored report reaches watchers as a small {@code progress} event, not the whole task.
     */
    private final class ProgressRecorder implements ExecutionListener {
        private final String taskId;
        private final int attempt;
        private Progress pending;
        private Instant lastStored;
        private boolean flushScheduled;
        private boolean finished;

        ProgressRecorder(String taskId, int attempt) {
            this.taskId = taskId;
            this.attempt = attempt;
        }

        @Override
        public synchronized void onProgress(Progress progress) {
            if (finished) {
                return;
            }
            Instant now = clock.instant();
            if (lastStored == null || !now.isBefore(lastStored.plus(PROGRESS_INTERVAL))) {
                pending = null;
                store(progress);
                return;
            }
            pending = progress;
            if (!flushScheduled) {
                flushScheduled = true;
                long waitMillis = Math.max(1, Duration.between(now, lastStored.plus(PROGRESS_INTERVAL)).toMillis());
                CompletableFuture.delayedExecutor(waitMillis, TimeUnit.MILLISECONDS, r -> Thread.ofVirtual().start(r))
                        .execute(this::flush);
            }
        }

        private synchronized void flush() {
            flushScheduled = false;
            if (pending != null && !finished) {
                Progress last = pending;
                pending = null;
                store(last);
            }
        }

        /** The attempt is over: writes what is still waiting, and nothing after. */
        synchronized void finish() {
            if (pending != null) {
                Progress last = pending;
                pending = null;
                store(last);
            }
            finished = true;
        }

        private void store(Progress progress) {
            lastStored = clock.instant();
            try {
                storeProgress(progress);
            } catch (StorageUnavailableException e) { // progress is a hint; the outcome is what must be kept
                LOG.debug("progress of task {} not stored: {}", taskId, e.getMessage());
            }
        }

        private void storeProgress(Progress progress) {
            synchronized (locks.forTask(taskId)) {
                storage.find(taskId).filter(t -> t.status() == TaskStatus.Running && t.attempts() == attempt)
                        .ifPresent(t -> {
                            Task updated = t.withProgress(clock.instant(), progress);
                            try {
                                if (storage.compareAndSave(t, updated, QueueChange.KEEP)) {
                                    events.publish(new TaskEvent.Progressed(taskId, attempt, progress, updated.updatedAt()));
                                }
                            } catch (StorageUnavailableException e) {
                                LOG.debug("progress of task {} not stored: {}", taskId, e.getMessage());
                            }
                        });
            }
        }

        @Override
        public void onLine(String stream, String line) {
            events.publish(new TaskEvent.LogLine(taskId, attempt, stream, line));
        }
    }
}
