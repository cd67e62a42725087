package io.provisioning.orchestrator.testing;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A storage double that isolates engine units from disks; it passes the same contract suite. */
public class InMemoryTaskStorage implements TaskStorage {
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Map<String, IdempotencyRecord> keys = new ConcurrentHashMap<>();

    @Override public String type() { return "in-memory"; }
    @Override public void save(Task task) { tasks.put(task.id(), task); }
    @Override public synchronized void saveAndEnqueue(Task task) { tasks.put(task.id(), task); queued.add(task.id()); }
    @Override public synchronized void saveAndDequeue(Task task) { tasks.put(task.id(), task); queued.remove(task.id()); }
    @Override public Optional<Task> find(String id) { return Optional.ofNullable(tasks.get(id)); }
    @Override public synchronized boolean delete(String id) { queued.remove(id); return tasks.remove(id) != null; }

    @Override
    public TaskPage list(TaskQuery query) {
        List<Task> matching = tasks.values().stream()
                .filter(query::matches)
                .sorted(Comparator.comparingLong(Task::sequence).reversed()).toList();
        return new TaskPage(matching.stream().skip(query.offset()).limit(query.limit()).toList(), matching.size());
    }

    @Override
    public synchronized java.util.Map<TaskStatus, Long> countByStatus(TaskQuery filter) {
        java.util.Map<TaskStatus, Long> counts = io.provisioning.orchestrator.storage.StatusCounts.zeros();
        TaskQuery anyStatus = filter.anyStatus();
        tasks.values().stream().filter(anyStatus::matches).forEach(t -> counts.merge(t.status(), 1L, Long::sum));
        return counts;
    }

    @Override
    public List<Task> findUnfinished() {
        return tasks.values().stream().filter(t -> !t.status().isTerminal())
                .sorted(Comparator.comparingLong(Task::sequence)).toList();
    }

    @Override public List<String> queuedTaskIds() { return List.copyOf(queued); }

    @Override
    public Optional<Task> findByIdempotencyKey(String key) {
        return tasks.values().stream().filter(t -> key.equals(t.idempotencyKey())).findFirst();
    }

    @Override
    public synchronized Optional<IdempotencyRecord> saveSubmission(List<Task> submitted, IdempotencyRecord idempotency) {
        if (idempotency != null && keys.containsKey(idempotency.key())) {
            return Optional.of(keys.get(idempotency.key()));
        }
        submitted.forEach(this::saveAndEnqueue);
        if (idempotency != null) {
            keys.put(idempotency.key(), idempotency);
        }
        return Optional.empty();
    }

    @Override
    public List<IdempotencyRecord> scanIdempotencyRecords(String afterKey, int limit) {
        return keys.values().stream().filter(r -> r.key().compareTo(afterKey == null ? "" : afterKey) > 0)
                .sorted(java.util.Comparator.comparing(IdempotencyRecord::key)).limit(limit).toList();
    }

    @Override
    public void importIdempotencyRecords(List<IdempotencyRecord> records) {
        records.forEach(r -> keys.put(r.key(), r));
    }

    @Override
    public Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
        return Optional.ofNullable(keys.get(key));
    }

    @Override
    public long maxSequence() {
        return tasks.values().stream().mapToLong(Task::sequence).max().orElse(0);
    }

    @Override public void checkHealth() { }
    @Override public void close() { }
}
