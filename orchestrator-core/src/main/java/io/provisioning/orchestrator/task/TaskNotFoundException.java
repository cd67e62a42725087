package io.provisioning.orchestrator.task;

import io.provisioning.orchestrator.OrchestratorException;

public class TaskNotFoundException extends OrchestratorException {
    public TaskNotFoundException(String id) {
        super("task " + id + " not found");
    }
}
