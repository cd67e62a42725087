package io.provisioning.orchestrator.events;

import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p>Order per task is kept by a lock per task id stripe ({@link #STRIPES} of them), held while a
 * change is compared and handed to the listeners; never inside the map's own {@code compute}, which
 * locks a bin of the map and, with a slow listener, stalls every thread that inserts meanwhile
 * (they spin in the map's resize). Listeners should only hand the change on (count it, queue it).
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
    private static final int STRIPES = 256;

    private final Map<String, Seen> seen = new ConcurrentHashMap<>(1024);
    private final Map<String, Seen> recentlyFinished = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
                    return size() > RECENTLY_FINISHED;
                }
            });
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public StatusChanges() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    private ReentrantLock stripeOf(String taskId) {
        return stripes[stripeIndex(taskId)];
    }

    /** Which lock a task's changes go under. */
    static int stripeIndex(String taskId) {
        int h = taskId.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

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
            ReentrantLock lock = stripeOf(deleted.taskId());
            lock.lock();
            try {
                seen.remove(deleted.taskId());
                recentlyFinished.remove(deleted.taskId());
                // every stored task is counted (see rememberUnfinished and the store's counts), so every deletion is told
                for (Listener listener : listeners) {
                    try {
                        listener.deleted(deleted.task());
                    } catch (RuntimeException e) {
                        LOG.warn("status listener failed on deleted task {}", deleted.taskId(), e);
                    }
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        if (!(event instanceof TaskEvent.Changed changed)) {
            return;
        }
        Task task = changed.task();
        String id = task.id();
        ReentrantLock lock = stripeOf(id);
        lock.lock();
        try {
            Seen remembered = seen.get(id);
            Seen before = remembered != null ? remembered : recentlyFinished.get(id);
            if (before != null && task.updatedAt() != null && before.at() != null && task.updatedAt().isBefore(before.at())) {
                return; // an older state arriving late
            }
            Seen now = new Seen(task.status(), task.updatedAt());
            if (task.status().isTerminal()) {
                seen.remove(id);
                recentlyFinished.put(id, now);
            } else {
                recentlyFinished.remove(id);
                seen.put(id, now);
            }
            if (before == null || before.status() != task.status()) {
                for (Listener listener : listeners) {
                    try {
                        listener.changed(task, before == null ? null : before.status());
                    } catch (RuntimeException e) {
                        LOG.warn("status listener failed on task {}", id, e); // the others still hear of it
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
