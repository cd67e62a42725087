package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Every task in memory, with the orders and counts that queries need. Applied in journal order. */
final class TaskIndex {
    private final Map<String, Task> byId = new ConcurrentHashMap<>();
    /** Key: sequence, descending, so iteration is newest first. */
    private final ConcurrentSkipListMap<Long, String> newestFirst = new ConcurrentSkipListMap<>(Comparator.reverseOrder());
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Map<String, String> byIdempotencyKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, IdempotencyRecord> keyRecords = new ConcurrentSkipListMap<>();
    private final Map<TaskStatus, Integer> counts = new EnumMap<>(TaskStatus.class);

    synchronized void apply(Change change) {
        Task task = change.task();
        Task previous = byId.put(task.id(), task);
        if (previous != null) {
            counts.merge(previous.status(), -1, Integer::sum);
        }
        counts.merge(task.status(), 1, Integer::sum);
        newestFirst.put(task.sequence(), task.id());
        if (task.idempotencyKey() != null) {
            byIdempotencyKey.put(task.idempotencyKey(), task.id());
        }
        switch (change.queue()) {
            case ADD -> queued.add(task.id());
            case REMOVE -> queued.remove(task.id());
            case KEEP -> { }
        }
    }

    /** Forgets the task; false if it was not there. */
    synchronized boolean remove(String id) {
        Task task = byId.remove(id);
        queued.remove(id);
        if (task == null) {
            return false;
        }
        counts.merge(task.status(), -1, Integer::sum);
        newestFirst.remove(task.sequence(), id);
        if (task.idempotencyKey() != null) {
            byIdempotencyKey.remove(task.idempotencyKey(), id);
        }
        return true;
    }

    void applyKey(IdempotencyRecord record) {
        keyRecords.put(record.key(), record);
    }

    Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
        return Optional.ofNullable(keyRecords.get(key));
    }

    /** Up to {@code limit} key records after {@code afterKey}, in key order. */
    List<IdempotencyRecord> scanKeys(String afterKey, int limit) {
        return keyRecords.tailMap(afterKey, false).values().stream().limit(limit).toList();
    }

    void markQueued(String taskId) {
        queued.add(taskId);
    }

    Optional<Task> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    Optional<Task> findByIdempotencyKey(String key) {
        String id = byIdempotencyKey.get(key);
        return id == null ? Optional.empty() : find(id);
    }

    /**
     * By status alone the total comes from the counts kept per status; with a workflow or infra it
     * is counted while walking every task (in memory, newest first).
     */
    TaskPage list(TaskQuery query) {
        List<Task> page = new ArrayList<>(Math.min(query.limit(), 1024));
        boolean counting = query.filtersBeyondStatus();
        long matched = 0;
        for (String id : newestFirst.values()) {
            Task task = byId.get(id);
            if (task == null || !query.matches(task)) {
                continue;
            }
            matched++;
            if (matched > query.offset() && page.size() < query.limit()) {
                page.add(task);
            } else if (!counting && page.size() >= query.limit()) {
                break;
            }
        }
        return new TaskPage(page, counting ? matched : total(query.status()));
    }

    synchronized long total(TaskStatus status) {
        if (status != null) {
            return counts.getOrDefault(status, 0);
        }
        return byId.size();
    }

    List<Task> unfinished() {
        return byId.values().stream().filter(t -> !t.status().isTerminal())
                .sorted(Comparator.comparingLong(Task::sequence)).toList();
    }

    /** Up to {@code limit} tasks with a sequence above {@code after}, ascending. */
    List<Task> scan(long after, int limit) {
        List<Task> page = new ArrayList<>(Math.min(limit, 4096));
        for (String id : newestFirst.headMap(after, false).descendingMap().values()) {
            if (page.size() >= limit) {
                break;
            }
            Task task = byId.get(id);
            if (task != null) {
                page.add(task);
            }
        }
        return page;
    }

    List<String> queuedIds() {
        return List.copyOf(queued);
    }

    boolean isQueued(String id) {
        return queued.contains(id);
    }

    long maxSequence() {
        return newestFirst.isEmpty() ? 0 : newestFirst.firstKey();
    }

    int size() {
        return byId.size();
    }
}
