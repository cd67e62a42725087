package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.task.Progress;

/** Hears what a running attempt reports, while it runs. Called from reader threads. */
public interface ExecutionListener {
    ExecutionListener NONE = new ExecutionListener() {};

    default void onProgress(Progress progress) {}

    default void onLine(String stream, String line) {}
}
