package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.ExecutionListener;
import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.queue.QueueEntry;
import io.provisioning.orchestrator.queue.TaskQueue;
import io.provisioning.orchestrator.retry.RetryPolicy;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One queue entry's way through a worker: claim, run the attempt, record how it ended. */
final class TaskLifecycle {
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
        Optional<Task> claimed = claim(entry);
        if (claimed.isEmpty()) {
            return;
        }
        Task task = claimed.get();
        ExecutionResult result;
        if (cancelRequested.contains(task.id())) {
            result = new ExecutionResult(ExecutionResult.Outcome.CANCELLED, null, "", "cancelled before it started");
        } else {
            try {
                result = executor.execute(task, new ProgressRecorder(task.id(), task.attempts()));
            } catch (RuntimeException e) {
                LOG.error("executor failed on task {}", task.id(), e);
                result = new ExecutionResult(ExecutionResult.Outcome.FAILED, null, "", "executor error: " + e.getMessage());
            }
        }
        record(task.id(), result);
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
                        storage.saveAndDequeue(failed);
                        published(failed);
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
            try {
                storage.saveAndDequeue(running);
            } catch (RuntimeException e) {
                concurrency.release(task);
                queue.add(entry);
                throw e;
            }
            events.publish(new TaskEvent.Changed(running));
            return Optional.of(running);
        }
    }

    private void noteWaiting(Task task, String reason) {
        if (!reason.equals(task.waitingFor())) {
            Task noted = task.waitingFor(clock.instant(), reason);
            storage.save(noted);
            events.publish(new TaskEvent.Changed(noted));
        }
    }

    private void record(String taskId, ExecutionResult result) {
        Task settled;
        synchronized (locks.forTask(taskId)) {
            Task task = storage.find(taskId).orElseThrow();
            if (task.status() != TaskStatus.Running) {
                return;
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
            if (next.status() == TaskStatus.Pending) {
                storage.saveAndEnqueue(next);
            } else {
                storage.save(next);
            }
            settled = next;
        }
        for (Task woken : concurrency.release(settled)) {
            queue.add(Orchestrator.entryFor(woken));
        }
        published(settled);
        if (settled.status() == TaskStatus.Pending && result.outcome() != ExecutionResult.Outcome.INTERRUPTED) {
            queue.add(Orchestrator.entryFor(settled)); // after its event, so watchers see the retry before the next start
        }
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
                    storage.saveAndDequeue(cancelled);
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
            storage.saveAndEnqueue(again);
            events.publish(new TaskEvent.Changed(again));
            queue.add(Orchestrator.entryFor(again));
            return again;
        }
    }

    private void published(Task task) {
        events.publish(new TaskEvent.Changed(task));
        if (task.status().isTerminal()) {
            for (Task released : dependencies.release(task.id())) {
                queue.add(Orchestrator.entryFor(released));
            }
        }
    }

    /** Stores each progress report on the task and passes lines on to watchers. */
    private final class ProgressRecorder implements ExecutionListener {
        private final String taskId;
        private final int attempt;

        ProgressRecorder(String taskId, int attempt) {
            this.taskId = taskId;
            this.attempt = attempt;
        }

        @Override
        public void onProgress(Progress progress) {
            synchronized (locks.forTask(taskId)) {
                storage.find(taskId).filter(t -> t.status() == TaskStatus.Running && t.attempts() == attempt)
                        .ifPresent(t -> {
                            Task updated = t.withProgress(clock.instant(), progress);
                            storage.save(updated);
                            events.publish(new TaskEvent.Changed(updated));
                        });
            }
        }

        @Override
        public void onLine(String stream, String line) {
            events.publish(new TaskEvent.LogLine(taskId, attempt, stream, line));
        }
    }
}
