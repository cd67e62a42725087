package io.provisioning.orchestrator.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What this node's workers hold now, shared by the steps of a task's life. */
final class AttemptsHere {
    /** Tasks a worker of this node holds, so no sweep takes them over while their outcome waits for the store. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    /** Running tasks a user asked to cancel: whatever their attempt's outcome, they end Cancelled. */
    private final Set<String> cancelRequested = ConcurrentHashMap.newKeySet();

    void holding(String taskId) {
        running.add(taskId);
    }

    void released(String taskId) {
        running.remove(taskId);
    }

    /** True while this node's worker holds the task: claimed, running, or storing its outcome. */
    boolean isRunning(String taskId) {
        return running.contains(taskId);
    }

    /** The tasks this node's workers hold now. */
    Set<String> runningIds() {
        return Set.copyOf(running);
    }

    void requestCancel(String taskId) {
        cancelRequested.add(taskId);
    }

    boolean isCancelRequested(String taskId) {
        return cancelRequested.contains(taskId);
    }

    /** True once if a cancel was asked for; the request is used up. */
    boolean takeCancelRequest(String taskId) {
        return cancelRequested.remove(taskId);
    }
}
