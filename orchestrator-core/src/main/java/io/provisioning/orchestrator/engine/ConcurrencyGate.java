package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.task.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Counts running tasks per lock key. A task over a limit is parked here, not failed; when a
 * holder finishes, the tasks waiting on its keys go back to the queue to compete again.
 */
final class ConcurrencyGate {
    private final ConcurrencyLimits limits;
    private final Map<String, Integer> held = new HashMap<>();
    private final Map<String, Task> waiting = new LinkedHashMap<>();

    ConcurrencyGate(ConcurrencyLimits limits) {
        this.limits = limits;
    }

    /** Takes every key of the task, or none: returns the reason it must wait, if it must. */
    synchronized Optional<String> tryAcquire(Task task) {
        for (String key : task.locks()) {
            int limit = limits.limitFor(key);
            int now = held.getOrDefault(key, 0);
            if (now >= limit) {
                waiting.put(task.id(), task);
                return Optional.of("concurrency limit " + key + " (" + now + " of " + limit + " running)");
            }
        }
        for (String key : task.locks()) {
            held.merge(key, 1, Integer::sum);
        }
        return Optional.empty();
    }

    /** Releases the task's keys; returns the waiting tasks that shared a key with it. */
    synchronized List<Task> release(Task task) {
        for (String key : task.locks()) {
            held.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
        List<Task> wake = new ArrayList<>();
        waiting.values().removeIf(w -> {
            boolean shares = w.locks().stream().anyMatch(task.locks()::contains);
            if (shares) {
                wake.add(w);
            }
            return shares;
        });
        return wake;
    }

    synchronized void forget(String taskId) {
        waiting.remove(taskId);
    }

    synchronized boolean isWaiting(String taskId) {
        return waiting.containsKey(taskId);
    }

    synchronized int waitingCount() {
        return waiting.size();
    }
}
