package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Pending tasks this node stored last, as it stored them, so that a claim of one it just
 * submitted needs no read first: the claim's compare-and-set checks the copy against the row, and
 * a copy another node made stale is refused there (then dropped from here). At most
 * {@code capacity} tasks, the oldest stored forgotten first. Every write of this store goes
 * through {@link #stored}, so a copy is never older than this node's own last write.
 */
final class RecentPending {
    private final int capacity;
    private final LinkedHashMap<String, Task> tasks;

    RecentPending(int capacity) {
        this.capacity = capacity;
        this.tasks = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Task> eldest) {
                return size() > RecentPending.this.capacity;
            }
        };
    }

    /** This node stored {@code task}: kept while Pending, forgotten otherwise. */
    synchronized void stored(Task task) {
        if (task.status() == TaskStatus.Pending) {
            tasks.put(task.id(), task);
        } else {
            tasks.remove(task.id());
        }
    }

    synchronized void forget(String id) {
        tasks.remove(id);
    }

    synchronized void forgetAll() {
        tasks.clear();
    }

    synchronized Optional<Task> find(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    synchronized int size() {
        return tasks.size();
    }
}
