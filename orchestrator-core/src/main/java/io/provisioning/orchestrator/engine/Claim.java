package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.execution.PreparedAttempt;
import io.provisioning.orchestrator.task.Task;

/** A stored claim: the task as Running (with its attempt's process tree) and the attempt, held until it runs. */
record Claim(Task task, PreparedAttempt attempt) {}
