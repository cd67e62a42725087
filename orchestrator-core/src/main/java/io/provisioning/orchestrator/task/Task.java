package io.provisioning.orchestrator.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * One unit of work: a Nushell invocation with its lifecycle. Immutable; every change makes a
 * new value through a method named for the change, and status changes are checked against
 * {@link AllowedTransitions}.
 *
 * <p>The first eleven fields are the Rust orchestrator's task JSON (compat); the rest are ours.
 */
@JsonPropertyOrder({
    "id", "name", "command", "args", "dependencies", "status", "created_at", "started_at",
    "completed_at", "output", "error", "priority", "attempts", "max_attempts", "next_attempt_at",
    "timeout_seconds", "progress", "exit_code", "workflow", "infra", "updated_at", "sequence"
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
        @JsonInclude(JsonInclude.Include.NON_NULL) String idempotencyKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestHash) {

    public Task {
        args = args == null ? List.of() : List.copyOf(args);
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
        progress = progress == null ? Progress.NONE : progress;
    }

    /** The script's full argument list: {@code command} followed by {@code args}. */
    public List<String> commandLine() {
        var line = new java.util.ArrayList<String>(args.size() + 1);
        line.add(command);
        line.addAll(args);
        return line;
    }

    public boolean hasAttemptsLeft() {
        return attempts < maxAttempts;
    }

    private Task to(TaskStatus next, Instant now, Instant started, Instant completed, String output,
            String error, int attempts, Instant nextAttemptAt, Progress progress, Integer exitCode) {
        AllowedTransitions.check(id, status, next);
        return new Task(id, name, command, args, dependencies, next, createdAt, started, completed, output,
                error, priority, attempts, maxAttempts, nextAttemptAt, timeoutSeconds, progress, exitCode,
                workflow, infra, now, sequence, idempotencyKey, requestHash);
    }

    /** Pending -> Running: a new attempt begins. */
    public Task start(Instant now) {
        return to(TaskStatus.Running, now, now, null, null, null, attempts + 1, null, Progress.NONE, null);
    }

    public Task complete(Instant now, int exitCode, String output) {
        return to(TaskStatus.Completed, now, startedAt, now, output, null, attempts, null,
                new Progress(100, progress.message()), exitCode);
    }

    /** The attempt failed and another one is scheduled: back to Pending, not before {@code retryAt}. */
    public Task retryLater(Instant now, Instant retryAt, Integer exitCode, String output, String error) {
        return to(TaskStatus.Pending, now, startedAt, null, output, error, attempts, retryAt, progress, exitCode);
    }

    public Task fail(Instant now, Integer exitCode, String output, String error) {
        return to(TaskStatus.Failed, now, startedAt, now, output, error, attempts, null, progress, exitCode);
    }

    public Task cancel(Instant now, String reason) {
        return to(TaskStatus.Cancelled, now, startedAt, now, output, reason, attempts, null, progress, exitCode);
    }

    /** Running -> Pending because the process running it went away; the attempt still counts. */
    public Task requeueAfterInterruption(Instant now, String reason) {
        return to(TaskStatus.Pending, now, startedAt, null, output, reason, attempts, null, progress, exitCode);
    }

    /** Failed/Cancelled -> Pending on demand, with a fresh budget of attempts on top of those used. */
    public Task retryOnDemand(Instant now, int extraAttempts) {
        AllowedTransitions.check(id, status, TaskStatus.Pending);
        return new Task(id, name, command, args, dependencies, TaskStatus.Pending, createdAt, startedAt, null,
                output, error, priority, attempts, attempts + extraAttempts, null, timeoutSeconds, progress,
                exitCode, workflow, infra, now, sequence, idempotencyKey, requestHash);
    }

    public Task withProgress(Instant now, Progress newProgress) {
        return new Task(id, name, command, args, dependencies, status, createdAt, startedAt, completedAt, output,
                error, priority, attempts, maxAttempts, nextAttemptAt, timeoutSeconds, newProgress, exitCode,
                workflow, infra, now, sequence, idempotencyKey, requestHash);
    }

    public static TaskBuilder builder() {
        return new TaskBuilder();
    }
}
