package io.provisioning.orchestrator.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One unit of work: a Nushell invocation with its lifecycle. Immutable; every change makes a
 * new value through a method named for the change, and status changes are checked against
 * {@link AllowedTransitions}.
 *
 * <p>The first eleven fields are the Rust orchestrator's task JSON (compat); the rest are ours.
 * {@code locks} are the concurrency keys the task holds while it runs (e.g.
 * {@code server:production/web-01}); {@code waiting_for} says why a Pending task has not started.
 */
@JsonPropertyOrder({
    "id", "name", "command", "args", "dependencies", "status", "created_at", "started_at",
    "completed_at", "output", "error", "priority", "attempts", "max_attempts", "next_attempt_at",
    "timeout_seconds", "progress", "exit_code", "workflow", "infra", "updated_at", "sequence",
    "waiting_for", "locks", "continue_on_dependency_failure", "history", "process"
})
public record Task(
        String id,
        String name,
        String command,
        List<String> args,
        List<String> dependencies,
        TaskStatus status,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt,
        String output,
        String error,
        int priority,
        int attempts,
        int maxAttempts,
        Instant nextAttemptAt,
        int timeoutSeconds,
        Progress progress,
        Integer exitCode,
        String workflow,
        String infra,
        Instant updatedAt,
        long sequence,
        String waitingFor,
        List<String> locks,
        boolean continueOnDependencyFailure,
        List<AttemptRecord> history,
        @JsonInclude(JsonInclude.Include.NON_NULL) String idempotencyKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestHash,
        @JsonInclude(JsonInclude.Include.NON_NULL) AttemptProcess process) {

    public Task {
        args = args == null ? List.of() : List.copyOf(args);
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
        locks = locks == null ? List.of() : List.copyOf(locks);
        history = history == null ? List.of() : List.copyOf(history);
        progress = progress == null ? Progress.NONE : progress;
    }

    /** The script's full argument list: {@code command} followed by {@code args}. */
    public List<String> commandLine() {
        var line = new ArrayList<String>(args.size() + 1);
        line.add(command);
        line.addAll(args);
        return line;
    }

    public boolean hasAttemptsLeft() {
        return attempts < maxAttempts;
    }

    /** A mutable copy for building the next state; only the named change methods below use it. */
    private Draft draft() {
        return new Draft(this);
    }

    private Task transition(TaskStatus next, Instant now, java.util.function.Consumer<Draft> change) {
        AllowedTransitions.check(id, status, next);
        Draft d = draft();
        d.status = next;
        d.updatedAt = now;
        d.process = null;
        change.accept(d);
        return d.build();
    }

    /** Pending -> Running: a new attempt begins. */
    public Task start(Instant now) {
        return start(now, null);
    }

    /** Pending -> Running: a new attempt begins, run by {@code tree} (null: not run by a process of its own). */
    public Task start(Instant now, AttemptProcess tree) {
        return transition(TaskStatus.Running, now, d -> {
            d.process = tree;
            d.startedAt = now;
            d.completedAt = null;
            d.output = null;
            d.error = null;
            d.attempts = attempts + 1;
            d.nextAttemptAt = null;
            d.progress = Progress.NONE;
            d.exitCode = null;
            d.waitingFor = null;
        });
    }

    public Task complete(Instant now, int exitCode, String output) {
        return transition(TaskStatus.Completed, now, d -> {
            d.completedAt = now;
            d.output = output;
            d.error = null;
            d.progress = new Progress(100, progress.message());
            d.exitCode = exitCode;
            d.history = appended(TaskStatus.Completed, now, exitCode, null);
        });
    }

    /** The attempt failed and another one is scheduled: back to Pending, not before {@code retryAt}. */
    public Task retryLater(Instant now, Instant retryAt, Integer exitCode, String output, String error) {
        return transition(TaskStatus.Pending, now, d -> {
            d.output = output;
            d.error = error;
            d.nextAttemptAt = retryAt;
            d.exitCode = exitCode;
            d.waitingFor = "retry backoff until " + retryAt;
            d.history = appended(TaskStatus.Failed, now, exitCode, error);
        });
    }

    public Task fail(Instant now, Integer exitCode, String output, String error) {
        return transition(TaskStatus.Failed, now, d -> {
            d.completedAt = now;
            d.output = output;
            d.error = error;
            d.nextAttemptAt = null;
            d.exitCode = exitCode;
            d.waitingFor = null;
            if (status == TaskStatus.Running) {
                d.history = appended(TaskStatus.Failed, now, exitCode, error);
            }
        });
    }

    public Task cancel(Instant now, String reason) {
        return transition(TaskStatus.Cancelled, now, d -> {
            d.completedAt = now;
            d.error = reason;
            d.nextAttemptAt = null;
            d.waitingFor = null;
            if (status == TaskStatus.Running) {
                d.history = appended(TaskStatus.Cancelled, now, null, reason);
            }
        });
    }

    /**
     * Running -> Pending because the process running it went away (or was ended by the orchestrator
     * stopping); the attempt still counts and stays in the history, marked interrupted.
     */
    public Task requeueAfterInterruption(Instant now, String reason) {
        return transition(TaskStatus.Pending, now, d -> {
            d.error = reason;
            d.nextAttemptAt = null;
            d.waitingFor = null;
            d.history = appended(TaskStatus.Failed, now, null, reason, true);
        });
    }

    /** Running -> Failed because the process running it went away and no attempts are left. */
    public Task failAfterInterruption(Instant now, String reason) {
        return transition(TaskStatus.Failed, now, d -> {
            d.completedAt = now;
            d.error = reason;
            d.nextAttemptAt = null;
            d.waitingFor = null;
            d.history = appended(TaskStatus.Failed, now, null, reason, true);
        });
    }

    /** Failed/Cancelled -> Pending on demand, with a fresh budget of attempts on top of those used. */
    public Task retryOnDemand(Instant now, int extraAttempts) {
        return transition(TaskStatus.Pending, now, d -> {
            d.completedAt = null;
            d.maxAttempts = attempts + extraAttempts;
            d.nextAttemptAt = null;
            d.waitingFor = null;
        });
    }

    public Task withProgress(Instant now, Progress newProgress) {
        Draft d = draft();
        d.progress = newProgress;
        d.updatedAt = now;
        return d.build();
    }

    /** Says why a Pending task has not started (null: it has not been held back). */
    public Task waitingFor(Instant now, String reason) {
        Draft d = draft();
        d.waitingFor = reason;
        d.updatedAt = now;
        return d.build();
    }

    private List<AttemptRecord> appended(TaskStatus outcome, Instant now, Integer exit, String why) {
        return appended(outcome, now, exit, why, false);
    }

    private List<AttemptRecord> appended(TaskStatus outcome, Instant now, Integer exit, String why, boolean interrupted) {
        List<AttemptRecord> list = new ArrayList<>(history);
        list.add(new AttemptRecord(attempts, outcome, startedAt, now, exit, why, interrupted, process));
        return list;
    }

    public static TaskBuilder builder() {
        return new TaskBuilder();
    }

    /** Field-by-field copy used to derive the next immutable state. */
    static final class Draft {
        String id, name, command, output, error, workflow, infra, waitingFor, idempotencyKey, requestHash;
        List<String> args, dependencies, locks;
        List<AttemptRecord> history;
        TaskStatus status;
        Instant createdAt, startedAt, completedAt, nextAttemptAt, updatedAt;
        int priority, attempts, maxAttempts, timeoutSeconds;
        Progress progress;
        Integer exitCode;
        AttemptProcess process;
        long sequence;
        boolean continueOnDependencyFailure;

        Draft() {}

        Draft(Task t) {
            id = t.id; name = t.name; command = t.command; args = t.args; dependencies = t.dependencies;
            status = t.status; createdAt = t.createdAt; startedAt = t.startedAt; completedAt = t.completedAt;
            output = t.output; error = t.error; priority = t.priority; attempts = t.attempts;
            maxAttempts = t.maxAttempts; nextAttemptAt = t.nextAttemptAt; timeoutSeconds = t.timeoutSeconds;
            progress = t.progress; exitCode = t.exitCode; workflow = t.workflow; infra = t.infra;
            updatedAt = t.updatedAt; sequence = t.sequence; waitingFor = t.waitingFor; locks = t.locks;
            continueOnDependencyFailure = t.continueOnDependencyFailure; history = t.history;
            idempotencyKey = t.idempotencyKey; requestHash = t.requestHash; process = t.process;
        }

        Task build() {
            return new Task(id, name, command, args, dependencies, status, createdAt, startedAt, completedAt, output,
                    error, priority, attempts, maxAttempts, nextAttemptAt, timeoutSeconds, progress, exitCode, workflow,
                    infra, updatedAt, sequence, waitingFor, locks, continueOnDependencyFailure, history,
                    idempotencyKey, requestHash, process);
        }
    }
}
