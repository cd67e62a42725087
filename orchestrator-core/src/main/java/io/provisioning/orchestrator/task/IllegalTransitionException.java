package io.provisioning.orchestrator.task;

import io.provisioning.orchestrator.ConflictException;

public class IllegalTransitionException extends ConflictException {
    public IllegalTransitionException(String taskId, TaskStatus from, TaskStatus to) {
        super("task " + taskId + " cannot go from " + from + " to " + to);
    }
}
