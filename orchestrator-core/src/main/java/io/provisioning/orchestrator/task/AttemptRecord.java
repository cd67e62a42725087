package io.provisioning.orchestrator.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * How one earlier attempt ended; a task keeps these so a retry never hides what happened before.
 * {@code interrupted}: the attempt did not end by itself (its orchestrator stopped or died) and its
 * process tree was ended (or found gone) before the next attempt was queued; {@code process} is the
 * tree that ran it. Its log lines stay under {@code GET /tasks/{id}/logs}, grouped by attempt.
 */
public record AttemptRecord(int attempt, TaskStatus outcome, Instant startedAt, Instant endedAt, Integer exitCode,
        String error, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean interrupted,
        @JsonInclude(JsonInclude.Include.NON_NULL) AttemptProcess process) {}
