package io.provisioning.orchestrator.storage;

import io.provisioning.orchestrator.task.TaskStatus;

/** A page of tasks, newest first, optionally with one status. */
public record TaskQuery(TaskStatus status, int limit, int offset) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public static TaskQuery all() {
        return new TaskQuery(null, MAX_LIMIT, 0);
    }
}
