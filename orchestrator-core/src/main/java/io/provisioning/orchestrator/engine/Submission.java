package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.task.Task;

/** The task a submission resulted in; {@code created} is false when an idempotency key found an earlier one. */
public record Submission(Task task, boolean created) {}
