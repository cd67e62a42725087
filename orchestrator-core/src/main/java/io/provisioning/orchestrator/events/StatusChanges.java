package io.provisioning.orchestrator.events;

import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task events as status changes, each once and in order per task: progress updates are dropped,
 * and so is a late delivery of an older state (events are published from several threads, so one
 * can overtake another). For watchers that count or record transitions: audit, metrics.
 * Remembers the last status and time of every unfinished task, and of the last
 * {@value #RECENTLY_FINISHED} that finished (a late state of one of those is still dropped), so
 * memory follows the unfinished tasks, not every task the store ever held.
 */
public final class StatusChanges implements Consumer<TaskEvent> {
    /** {@code previous} is null the first time a task is seen. */
    public interface Listener {
        void changed(Task task, TaskStatus previous);

        /** The task (its last state) was deleted. */
        default void deleted(Task task) {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StatusChanges.class);

    private record Seen(TaskStatus status, Instant at) {}

    static final int RECENTLY_FINISHED = 10_000;

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Map<String, Seen> recentlyFinished = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
                    return size() > RECENTLY_FINISHED;
                }
            });
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public StatusChanges listen(Listener listener) {
        listeners.add(listener);
        return this;
    }

    /** Learns the stored state of every unfinished task without announcing it (finished ones are final). */
    public void rememberUnfinished(TaskStorage storage) {
        for (Task task : storage.findUnfinished()) {
            seen.putIfAbsent(task.id(), new Seen(task.status(), task.updatedAt()));
        }
    }

    @Override
    public void accept(TaskEvent event) {
        if (event instanceof TaskEvent.Deleted deleted) {
            seen.remove(deleted.taskId());
            recentlyFinished.remove(deleted.taskId());
            {
                // every stored task is counted (see rememberUnfinished and the store's counts), so every deletion is told
                for (Listener listener : listeners) {
                    try {
                        listener.deleted(deleted.task());
                    } catch (RuntimeException e) {
                        LOG.warn("status listener failed on deleted task {}", deleted.taskId(), e);
                    }
                }
            }
            return;
        }
        if (!(event instanceof TaskEvent.Changed changed)) {
            return;
        }
        Task task = changed.task();
        seen.compute(task.id(), (id, remembered) -> {
            Seen before = remembered != null ? remembered : recentlyFinished.get(id);
            if (before != null && task.updatedAt() != null && before.at() != null && task.updatedAt().isBefore(before.at())) {
                return remembered; // an older state arriving late
            }
            if (before == null || before.status() != task.status()) {
                for (Listener listener : listeners) {
                    try {
                        listener.changed(task, before == null ? null : before.status());
                    } catch (RuntimeException e) {
                        LOG.warn("status listener failed on task {}", task.id(), e); // the others still hear of it
                    }
                }
            }
            Seen now = new Seen(task.status(), task.updatedAt());
            if (task.status().isTerminal()) {
                recentlyFinished.put(id, now);
                return null;
            }
            recentlyFinished.remove(id);
            return now;
        });
    }
}
