package io.provisioning.orchestrator.task;

import java.time.Instant;

/** How one earlier attempt ended; a task keeps these so a retry never hides what happened before. */
public record AttemptRecord(int attempt, TaskStatus outcome, Instant startedAt, Instant endedAt, Integer exitCode,
        String error) {}
