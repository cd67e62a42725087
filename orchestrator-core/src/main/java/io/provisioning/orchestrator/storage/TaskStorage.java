package io.provisioning.orchestrator.storage;

import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one extension point for persistence. Every backend passes the shared contract suite
 * ({@code TaskStorageContract} in the core test-jar).
 *
 * <p>Durability: when a write method returns, the change survives a crash of this process
 * (kill -9) and of the machine's page cache. Writes of one task are applied in call order.
 */
public interface TaskStorage extends AutoCloseable {

    /** Short backend name, as given to {@code --storage-type}. */
    String type();

    /**
     * The version of each durable format this store holds its data in (e.g. {@code postgresql-schema}
     * 2), as {@code GET /version} reports it; none by default.
     */
    default java.util.Map<String, Integer> formatVersions() {
        return java.util.Map.of();
    }

    /** Inserts or replaces the task record. */
    void save(Task task);

    /** Saves the task and puts its queue entry, as one atomic change. */
    void saveAndEnqueue(Task task);

    /** Saves the task and removes its queue entry, as one atomic change. */
    void saveAndDequeue(Task task);

    Optional<Task> find(String id);

    /**
     * The task for a claim: as {@link #find}, except that a shared store may answer a Pending task
     * from the copy it last wrote itself, without a read. On a shared store that copy can be older
     * than another node's change; the claim's {@link #compareAndSave} then refuses it, and the
     * store forgets the copy, so the next look reads the row.
     */
    default Optional<Task> findToClaim(String id) {
        return find(id);
    }

    /**
     * Deletes the task and its queue entry as one atomic, durable change (a restart does not bring
     * it back); false when no task has this id. Idempotency records stay: a key keeps answering the
     * ids it stood for. Which tasks may be deleted is the engine's business, not the store's.
     */
    boolean delete(String id);

    /** Newest first, filtered; {@link TaskPage#total()} counts every match. */
    TaskPage list(TaskQuery query);

    /**
     * How many tasks match the filter's workflow, infra and dependency (its status, limit and offset
     * do not matter), per status, every status a key. Counted in one statement or one pass, so the
     * numbers add up to the filter's total even while tasks move from one status to the next; the
     * same counts asked for status by status could miss a task that moved in between.
     */
    java.util.Map<TaskStatus, Long> countByStatus(TaskQuery filter);

    /** Every task that is not in a terminal state, for recovery at start. */
    List<Task> findUnfinished();

    /** Task ids that have a queue entry, in no particular order. */
    List<String> queuedTaskIds();

    /** A task that carries {@code key} (tasks submitted before {@link IdempotencyRecord}s existed carry it too). */
    Optional<Task> findByIdempotencyKey(String key);

    /**
     * Stores one whole submission as a single atomic, durable change: every task with its queue
     * entry and, unless {@code idempotency} is null, that record under its key. The key is unique
     * in the store, for every process that uses it (a unique key or index, not a lock in this
     * process): when it is already stored, nothing at all is written and the stored record is
     * answered. Empty means all of it was stored.
     */
    Optional<IdempotencyRecord> saveSubmission(List<Task> tasks, IdempotencyRecord idempotency);

    /** The record stored under an idempotency key by {@link #saveSubmission}. */
    Optional<IdempotencyRecord> findIdempotencyRecord(String key);

    /** Highest task sequence number stored, or 0; new tasks continue after it. */
    long maxSequence();

    /** Throws {@link StorageUnavailableException} if the backend cannot take writes now. */
    void checkHealth();

    // ---- several nodes on one store; the defaults are right for a store only one process uses ----

    /** True when several orchestrator processes may use this store at the same time. */
    default boolean isShared() {
        return false;
    }

    /**
     * Writes {@code next}, and changes its queue entry, only if the stored task is still
     * {@code expected} (same status, attempts and updated_at); false if it changed meanwhile.
     *
     * <p>On a shared store this is one atomic compare-and-set: two nodes claiming the same Pending
     * task cannot both win. Writing a Running task gives this node a lease on it, which the store
     * renews while this node lives; a Running task can then be changed only by its lease holder, or
     * by anyone once the lease has lapsed. A single process already orders the writes of one task
     * under its own locks, so the default just writes.
     */
    default boolean compareAndSave(Task expected, Task next, QueueChange queue) {
        switch (queue) {
            case ADD -> saveAndEnqueue(next);
            case REMOVE -> saveAndDequeue(next);
            case KEEP -> save(next);
        }
        return true;
    }

    /**
     * Running tasks that no process runs any more. At start ({@code atStart}), every Running task
     * of a single-process store is a leftover of a process that died; a shared store answers the
     * tasks whose lease lapsed and those this node held before it restarted. Later sweeps find the
     * tasks whose lease lapsed (their node died); a single process has none.
     */
    default List<Task> findOrphaned(boolean atStart) {
        return atStart ? findUnfinished().stream().filter(t -> t.status() == TaskStatus.Running).toList() : List.of();
    }

    /**
     * For a shared store: when this node's leases were last renewed and how long they last (see
     * {@link LeaseStatus}), so that the engine can end its attempts before another node may take
     * them over. Empty for a store only one process uses, whose tasks nobody else takes.
     */
    default Optional<LeaseStatus> leaseStatus() {
        return Optional.empty();
    }

    /** Follows the changes other nodes make to tasks, as they happen (at least the latest state of each). */
    default AutoCloseable watchOtherNodes(Consumer<Task> changed) {
        return () -> { };
    }

    // ---- bulk access, for migration between backends ----

    /** Up to {@code limit} tasks with a sequence above {@code afterSequence}, in ascending sequence order. */
    default List<Task> scan(long afterSequence, int limit) {
        List<Task> all = new java.util.ArrayList<>();
        int offset = 0;
        while (true) {
            TaskPage page = list(new TaskQuery(null, TaskQuery.MAX_LIMIT, offset));
            page.tasks().stream().filter(t -> t.sequence() > afterSequence).forEach(all::add);
            offset += page.tasks().size();
            if (page.tasks().isEmpty() || offset >= page.total()) {
                break;
            }
        }
        return all.stream().sorted(Comparator.comparingLong(Task::sequence)).limit(limit).toList();
    }

    /** Writes many tasks, replacing what is stored under their ids; those in {@code queued} get a queue entry, the others lose theirs. */
    default void importBatch(List<Task> tasks, Set<String> queued) {
        for (Task task : tasks) {
            if (queued.contains(task.id())) {
                saveAndEnqueue(task);
            } else {
                saveAndDequeue(task);
            }
        }
    }

    /**
     * Up to {@code limit} idempotency records whose key sorts after {@code afterKey} ({@code ""}: from
     * the first), in this store's ascending key order, for migration. Every record stored by
     * {@link #saveSubmission} or {@link #importIdempotencyRecords} is found this way.
     */
    List<IdempotencyRecord> scanIdempotencyRecords(String afterKey, int limit);

    /** Writes these records as they are (a migration's copy), replacing what is stored under their keys; durable when this returns. */
    void importIdempotencyRecords(List<IdempotencyRecord> records);

    /**
     * How many tasks have each status and priority ({@code status -> priority -> count}, zeros left
     * out), for the metrics at start. By default every task is scanned; a store that keeps counts
     * answers from them, without reading its finished tasks.
     */
    default java.util.Map<TaskStatus, java.util.Map<Integer, Long>> countsByStatusAndPriority() {
        java.util.Map<TaskStatus, java.util.Map<Integer, Long>> counts = new java.util.EnumMap<>(TaskStatus.class);
        long after = 0;
        for (List<Task> page = scan(after, TaskQuery.MAX_LIMIT); !page.isEmpty(); page = scan(after, TaskQuery.MAX_LIMIT)) {
            for (Task task : page) {
                counts.computeIfAbsent(task.status(), s -> new java.util.HashMap<>()).merge(task.priority(), 1L, Long::sum);
            }
            after = page.get(page.size() - 1).sequence();
        }
        return counts;
    }

    /**
     * Up to {@code limit} finished tasks with a sequence above {@code afterSequence}, ascending, that
     * finished (completed_at, else updated_at) before {@code cutoff}: the retention sweep's
     * candidates. By default every task is scanned; a store with an index reads only the matches.
     */
    default List<Task> scanFinishedBefore(java.time.Instant cutoff, long afterSequence, int limit) {
        List<Task> found = new java.util.ArrayList<>();
        long after = afterSequence;
        while (found.size() < limit) {
            List<Task> page = scan(after, Math.max(limit, 200));
            if (page.isEmpty()) {
                break;
            }
            for (Task task : page) {
                if (found.size() < limit && finishedBefore(task, cutoff)) {
                    found.add(task);
                }
            }
            after = page.get(page.size() - 1).sequence();
        }
        return found;
    }

    /** True for a finished task whose finish time (completed_at, else updated_at) is before {@code cutoff}. */
    static boolean finishedBefore(Task task, java.time.Instant cutoff) {
        if (!task.status().isTerminal()) {
            return false;
        }
        java.time.Instant finished = task.completedAt() != null ? task.completedAt() : task.updatedAt();
        return finished != null && finished.isBefore(cutoff);
    }

    /** How many tasks are stored. */
    default long count() {
        return list(new TaskQuery(null, 1, 0)).total();
    }

    @Override
    void close();
}
