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
    private final DependencyGate gate;
    private final TaskLocks locks;
    private final RetryPolicy retryPolicy;

    TaskLifecycle(TaskStorage storage, TaskExecutor executor, Clock clock, TaskEventBus events, TaskQueue queue,
            DependencyGate gate, TaskLocks locks, RetryPolicy retryPolicy) {
        this.storage = storage;
        this.executor = executor;
        this.clock = clock;
        this.events = events;
        this.queue = queue;
        this.gate = gate;
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
        try {
            result = executor.execute(task, new ProgressRecorder(task.id(), task.attempts()));
        } catch (RuntimeException e) {
            LOG.error("executor failed on task {}", task.id(), e);
            result = new ExecutionResult(ExecutionResult.Outcome.FAILED, null, "", "executor error: " + e.getMessage());
        }
        // an attempt interrupted by shutdown comes back with the interrupt flag set; the write that
        // re-queues it must still wait for the storage, so the flag is put aside until it is done
        boolean interrupted = Thread.interrupted();
        try {
            record(task.id(), result);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Pending -> Running, durably, unless it was cancelled meanwhile or must wait for dependencies. */
    private Optional<Task> claim(QueueEntry entry) {
        synchronized (locks.forTask(entry.taskId())) {
            Optional<Task> found = storage.find(entry.taskId());
            if (found.isEmpty() || found.get().status() != TaskStatus.Pending) {
                return Optional.empty();
            }
            Task task = found.get();
            if (!task.dependencies().isEmpty()) {
                switch (gate.check(task)) {
                    case WAIT -> {
                        if (!gate.park(task)) {
                            queue.add(entry); // settled meanwhile: look again
                        }
                        return Optional.empty();
                    }
                    case DEPENDENCY_FAILED -> {
                        Task failed = task.fail(clock.instant(), null, null,
                                "dependency " + gate.failedDependency(task) + " failed or was cancelled");
                        storage.saveAndDequeue(failed);
                        published(failed);
                        return Optional.empty();
                    }
                    case READY -> { }
                }
            }
            Task running = task.start(clock.instant());
            storage.saveAndDequeue(running);
            events.publish(new TaskEvent.Changed(running));
            return Optional.of(running);
        }
    }

    private void record(String taskId, ExecutionResult result) {
        synchronized (locks.forTask(taskId)) {
            Task task = storage.find(taskId).orElseThrow();
            if (task.status() != TaskStatus.Running) {
                return; // someone else settled it (e.g. cancelled while stopping)
            }
            Instant now = clock.instant();
            Task next = switch (result.outcome()) {
                case SUCCEEDED -> task.complete(now, 0, result.output());
                case CANCELLED -> task.cancel(now, result.error());
                case INTERRUPTED -> task.requeueAfterInterruption(now, result.error());
                case FAILED, TIMED_OUT -> task.hasAttemptsLeft()
                        ? task.retryLater(now, now.plus(retryPolicy.delayAfter(task.attempts())), result.exitCode(),
                                result.output(), result.error())
                        : task.fail(now, result.exitCode(), result.output(), result.error());
            };
            if (next.status() == TaskStatus.Pending) {
                storage.saveAndEnqueue(next);
                if (result.outcome() != ExecutionResult.Outcome.INTERRUPTED) {
                    queue.add(Orchestrator.entryFor(next));
                }
            } else {
                storage.save(next);
            }
            published(next);
        }
    }

    private void published(Task task) {
        events.publish(new TaskEvent.Changed(task));
        if (task.status().isTerminal()) {
            for (Task released : gate.release(task.id())) {
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
