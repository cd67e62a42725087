package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.StatusCounts;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What queries need of every task, without every task in memory. Unfinished tasks (Pending,
 * Running, waiting for a retry) are kept whole in memory; a finished one only until the
 * checkpointer has written its file ({@link #unwritten}), then it is read from
 * {@code tasks/<id>.json} when asked for. Order, filters and counts come from {@link IndexEntry}s:
 * the ones changed since the last compaction in memory ({@link View#active}, bounded by
 * {@link #COMPACT_AT}), all others in the {@link IndexSnapshot} on disk; counts per status and
 * priority are kept in memory. Applied in journal order.
 */
final class TaskIndex implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TaskIndex.class);
    /** Entries changed in memory before they are compacted into a new snapshot. */
    static final int COMPACT_AT = 50_000;

    /** A deleted task whose file the checkpointer has not removed yet. */
    private record Deleted(long sequence) {}

    /**
     * Entries by sequence: {@code active} wins over {@code frozen} (being compacted), which wins
     * over the snapshot.
     */
    private record View(ConcurrentSkipListMap<EntryKey, IndexEntry> active, NavigableMap<EntryKey, IndexEntry> frozen,
            IndexSnapshot snapshot) {}

    private final Function<String, Task> readFile;
    private IndexFiles files;
    private volatile View view = new View(new ConcurrentSkipListMap<>(), null, IndexSnapshot.empty());
    /** The snapshot before the current one: closed at the next compaction, so a reader still on it can finish. */
    private IndexSnapshot retired;
    private final Map<String, Task> unfinished = new ConcurrentHashMap<>();
    /** Unfinished tasks by sequence, newest first. */
    private final ConcurrentSkipListMap<EntryKey, String> unfinishedNewestFirst = new ConcurrentSkipListMap<>(Comparator.reverseOrder());
    /** Finished or deleted tasks the checkpointer has not written yet: a {@link Task} or {@link Deleted}. */
    private final Map<String, Object> unwritten = new ConcurrentHashMap<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /**
     * Tasks that carry an idempotency key, key to id, until the checkpointer has written their
     * files (and, for a task without a key record, its {@code task-keys/} file); then the key
     * record or that file leads to the task.
     */
    private final Map<String, String> recentTaskKeys = new ConcurrentHashMap<>();
    private final KeyRecords keys;
    private final FilesystemLayout layout;
    private final Map<TaskStatus, Map<Integer, Long>> counts = new EnumMap<>(TaskStatus.class);
    private volatile long maxSequence;

    private final int compactAt;

    /**
     * {@code readFile}: a task's file as it is on disk, or null if there is none; {@code compactAt}:
     * entries (and key hashes) changed in memory that make the next checkpoint compact (tests make
     * it small); {@code keyCache}: key records kept in memory once written.
     */
    TaskIndex(FilesystemLayout layout, Function<String, Task> readFile, int compactAt, int keyCache) {
        this.layout = layout;
        this.readFile = readFile;
        this.compactAt = compactAt;
        this.keys = new KeyRecords(layout, keyCache);
    }

    /** Opens the key records' sorted list; before {@link #load}. */
    void openKeys() throws IOException {
        keys.open();
    }

    // ---- opening ----

    /**
     * Loads the index from {@code files}: the log into memory, then the snapshot read once for the
     * counts; the unfinished tasks' files are read whole ({@code readUnfinished}: null for one
     * that cannot be read).
     */
    synchronized void load(IndexFiles files, Function<String, Task> readUnfinished) throws IOException {
        this.files = files;
        List<IndexEntry> keyed = new ArrayList<>();
        ConcurrentSkipListMap<EntryKey, IndexEntry> active = new ConcurrentSkipListMap<>();
        files.readLog(entry -> active.put(entry.key(), entry));
        java.util.Collection<String> toRead;
        IndexSnapshot snapshot;
        var summarized = files.openFromSummary();
        if (summarized.isPresent()) {
            // the snapshot's summary, then each log entry in place of the snapshot's entry it replaces
            snapshot = summarized.get().getKey();
            SnapshotSummary summary = summarized.get().getValue();
            summary.counts().forEach((status, byPriority) -> byPriority.forEach((p, n) -> count(status, p, n)));
            (summary.keys() == null ? Map.<String, String>of() : summary.keys()).forEach((key, id) -> keyed.add(new IndexEntry(0, id, null, null, null, null, 0, key, null, null)));
            maxSequence = summary.maxSequence();
            java.util.Set<String> unfinishedIds = new java.util.LinkedHashSet<>(summary.unfinished());
            List<String> fromLog = new ArrayList<>();
            for (IndexEntry entry : active.values()) {
                IndexEntry replaced = snapshot.lookup(entry.key());
                if (entry.equals(replaced)) {
                    // logged after the compaction that already took it in (the checkpointer lags the journal)
                    active.remove(entry.key());
                    continue;
                }
                if (replaced != null && !replaced.isDeleted()) {
                    count(replaced.status(), replaced.priority(), -1);
                    unfinishedIds.remove(replaced.id());
                }
                learn(entry, fromLog, null); // the checkpointer that logged it saw to its key
            }
            unfinishedIds.addAll(fromLog);
            toRead = unfinishedIds;
        } else {
            List<String> all = new ArrayList<>();
            snapshot = files.openSnapshot(entry -> {
                if (!active.containsKey(entry.key())) {
                    learn(entry, all, keyed);
                }
            });
            active.values().forEach(entry -> learn(entry, all, keyed));
            toRead = all;
        }
        view = new View(active, null, snapshot);
        for (IndexEntry entry : keyed) {
            ensureTaskKey(entry.idempotencyKey(), entry.id(), true);
        }
        for (String id : toRead) {
            Task task = readUnfinished.apply(id);
            if (task != null && !task.status().isTerminal()) {
                unfinished.put(id, task);
                unfinishedNewestFirst.put(new EntryKey(task.sequence(), id), id);
            }
        }
    }

    private void learn(IndexEntry entry, List<String> toRead, List<IndexEntry> keyed) {
        maxSequence = Math.max(maxSequence, entry.sequence());
        if (entry.isDeleted()) {
            return;
        }
        count(entry.status(), entry.priority(), 1);
        if (entry.idempotencyKey() != null && keyed != null) {
            keyed.add(entry); // a whole snapshot read: see that each keyed task can be found by its key
        }
        if (!entry.status().isTerminal()) {
            toRead.add(entry.id());
        }
    }

    // ---- changes (journal order) ----

    synchronized void apply(Change change) {
        Task task = change.task();
        EntryKey key = new EntryKey(task.sequence(), task.id());
        IndexEntry previous = entryAt(key);
        Task before = unfinished.get(task.id());
        if (before != null && before.sequence() != task.sequence()) {
            // the same id stored again under another sequence (an import): its old place goes
            EntryKey oldKey = new EntryKey(before.sequence(), task.id());
            IndexEntry old = entryAt(oldKey);
            if (old != null && !old.isDeleted()) {
                count(old.status(), old.priority(), -1);
            }
            view.active().put(oldKey, IndexEntry.deletion(before.sequence(), task.id()));
            unfinishedNewestFirst.remove(oldKey);
        }
        if (previous != null && !previous.isDeleted()) {
            count(previous.status(), previous.priority(), -1);
        }
        count(task.status(), task.priority(), 1);
        view.active().put(key, IndexEntry.of(task));
        if (task.status().isTerminal()) {
            unwritten.put(task.id(), task); // before it leaves the unfinished map: a reader finds it in one of them
            unfinished.remove(task.id());
            unfinishedNewestFirst.remove(key);
        } else {
            unfinished.put(task.id(), task);
            unfinishedNewestFirst.put(key, task.id());
            unwritten.remove(task.id());
        }
        maxSequence = Math.max(maxSequence, task.sequence());
        if (task.idempotencyKey() != null) {
            recentTaskKeys.put(task.idempotencyKey(), task.id());
        }
        switch (change.queue()) {
            case ADD -> queued.add(task.id());
            case REMOVE -> queued.remove(task.id());
            case KEEP -> { }
        }
    }

    /**
     * Forgets the task; answers the sequence it had, or -1 if it was not there (its file, if one
     * is left, must still go: see {@link #deletedUnwritten}).
     */
    synchronized long remove(String id) {
        queued.remove(id);
        Task task = unfinished.get(id);
        long sequence;
        if (task != null) {
            sequence = task.sequence();
        } else {
            Object pending = unwritten.get(id);
            if (pending instanceof Deleted) {
                return -1;
            }
            Task known = pending instanceof Task t ? t : readFile.apply(id);
            if (known == null) {
                return -1;
            }
            sequence = known.sequence();
        }
        EntryKey key = new EntryKey(sequence, id);
        unwritten.put(id, new Deleted(sequence));
        unfinished.remove(id);
        unfinishedNewestFirst.remove(key);
        IndexEntry entry = entryAt(key);
        if (entry == null || entry.isDeleted()) {
            return -1;
        }
        count(entry.status(), entry.priority(), -1);
        view.active().put(key, IndexEntry.deletion(sequence, id));
        if (entry.idempotencyKey() != null) {
            recentTaskKeys.remove(entry.idempotencyKey(), id);
        }
        return sequence;
    }

    /** The checkpointer wrote {@code state} (a task, or its deletion) to the files: memory can let it go. */
    void written(String id, Task state) {
        unwritten.remove(id, state);
        if (state.idempotencyKey() != null) {
            recentTaskKeys.remove(state.idempotencyKey(), id);
        }
    }

    /**
     * A task carrying {@code key}: unless a key record stands for the key, a {@code task-keys/} file
     * leads from the key to the task ({@code fsync}: synced now; else the caller's sync does it).
     * Answers the file written, or null.
     */
    java.nio.file.Path ensureTaskKey(String key, String id, boolean fsync) throws IOException {
        try {
            if (keys.find(key).isPresent() || IdempotencyFiles.readTaskKey(layout, key).filter(id::equals).isPresent()) {
                return null;
            }
        } catch (io.provisioning.orchestrator.storage.StorageException e) {
            // a damaged file must not stop the checkpoints: the task-key file is written (again) instead
            LOG.warn("idempotency key of task {}: {}; writing its task-key file", id, e.getMessage());
        }
        IdempotencyFiles.writeTaskKey(layout, key, id, fsync);
        return IdempotencyFiles.taskKeyFile(layout, key);
    }

    void deletedWritten(String id) {
        unwritten.computeIfPresent(id, (k, v) -> v instanceof Deleted ? null : v);
    }

    private void count(TaskStatus status, int priority, long delta) {
        counts.computeIfAbsent(status, s -> new HashMap<>()).merge(priority, delta, Long::sum);
    }

    void applyKey(IdempotencyRecord record) {
        keys.apply(record);
    }

    KeyRecords keyRecords() {
        return keys;
    }

    Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
        return keys.find(key);
    }

    /** Up to {@code limit} key records after {@code afterKey}, in this store's key order (their hashes'). */
    List<IdempotencyRecord> scanKeys(String afterKey, int limit) {
        return keys.scan(afterKey, limit);
    }

    void markQueued(String taskId) {
        queued.add(taskId);
    }

    /** Appends to the index log and syncs it (the checkpointer, before it writes the files). */
    void appendToLog(List<IndexEntry> entries) throws IOException {
        files.append(entries);
    }

    // ---- compaction ----

    /** Entries changed in memory since the last compaction. */
    int changedInMemory() {
        return view.active().size();
    }

    /**
     * When {@code compactAt} entries are in memory, writes them and the snapshot into a new
     * snapshot (deletions dropped) and lets them go. Runs on the checkpointer's thread, after the
     * log holds every entry it compacts; writers go on meanwhile into a fresh map.
     */
    void compactIfDue() throws IOException {
        keys.compactIfDue(compactAt);
        View frozen;
        synchronized (this) {
            if (view.active().size() < compactAt) {
                return;
            }
            frozen = new View(new ConcurrentSkipListMap<>(), view.active(), view.snapshot());
            view = frozen;
        }
        long started = System.nanoTime();
        View source = new View(new ConcurrentSkipListMap<>(), frozen.frozen(), frozen.snapshot());
        Iterator<IndexEntry> live = filter(merged(source, Long.MIN_VALUE, true), e -> !e.isDeleted());
        IndexSnapshot next;
        try {
            next = files.compact(live);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                // back as it was: the frozen entries are still the newest but for what came since
                ConcurrentSkipListMap<EntryKey, IndexEntry> merged = new ConcurrentSkipListMap<>(frozen.frozen());
                merged.putAll(view.active());
                view = new View(merged, null, frozen.snapshot());
            }
            throw e;
        }
        LOG.info("task index compacted: {} entries changed in memory into a snapshot of {} in {} ms",
                frozen.frozen().size(), next.entries(), (System.nanoTime() - started) / 1_000_000);
        synchronized (this) {
            view = new View(view.active(), null, next);
            if (retired != null) {
                retired.close();
            }
            retired = frozen.snapshot();
        }
    }

    // ---- reads ----

    private IndexEntry entryAt(EntryKey key) {
        View v = view;
        IndexEntry entry = v.active().get(key);
        if (entry == null && v.frozen() != null) {
            entry = v.frozen().get(key);
        }
        if (entry == null && key.sequence() <= maxSequence) {
            entry = v.snapshot().lookup(key);
        }
        return entry;
    }

    Optional<Task> find(String id) {
        Task task = findUnchecked(id);
        if (task == null || unfinished.containsKey(id) || unwritten.containsKey(id)) {
            return Optional.ofNullable(task);
        }
        // a file outlives its task only until the checkpoint that deletes it; the index knows
        IndexEntry entry = entryAt(new EntryKey(task.sequence(), id));
        return entry != null && !entry.isDeleted() ? Optional.of(task) : Optional.empty();
    }

    /** Memory first, then the file. */
    private Task findUnchecked(String id) {
        Task task = unfinished.get(id);
        if (task != null) {
            return task;
        }
        Object pending = unwritten.get(id);
        if (pending instanceof Task t) {
            return t;
        }
        if (pending instanceof Deleted) {
            return null;
        }
        task = unfinished.get(id); // it may have come back (a retry) meanwhile
        return task != null ? task : readFile.apply(id);
    }

    /** The task carrying {@code key}: from memory, else by the key's record, else by its {@code task-keys/} file. */
    Optional<Task> findByIdempotencyKey(String key) {
        String id = recentTaskKeys.get(key);
        if (id != null) {
            Optional<Task> task = find(id).filter(t -> key.equals(t.idempotencyKey()));
            if (task.isPresent()) {
                return task;
            }
        }
        Optional<IdempotencyRecord> record = keys.find(key);
        if (record.isPresent()) {
            for (String taskId : record.get().taskIds().values()) {
                Optional<Task> task = find(taskId).filter(t -> key.equals(t.idempotencyKey()));
                if (task.isPresent()) {
                    return task;
                }
            }
        }
        return IdempotencyFiles.readTaskKey(layout, key).flatMap(this::find).filter(t -> key.equals(t.idempotencyKey()));
    }

    /** Idempotency keys held in memory: records (unwritten, cached), listed hashes, recent task keys (tests). */
    int keysInMemory() {
        return keys.inMemory() + recentTaskKeys.size();
    }

    /**
     * Newest first. Unfinished statuses come from memory alone; otherwise the entries are walked
     * (memory and snapshot merged) and only the page's finished tasks are read from their files.
     * By status alone the total comes from the counts; with a workflow, infra or dependency it is
     * counted while walking every entry.
     */
    TaskPage list(TaskQuery query) {
        boolean counting = query.filtersBeyondStatus();
        List<Task> page = new ArrayList<>(Math.min(query.limit(), 1024));
        long matched = 0;
        if (query.status() != null && !query.status().isTerminal()) {
            for (String id : unfinishedNewestFirst.values()) {
                Task task = unfinished.get(id);
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
        } else {
            Iterator<IndexEntry> entries = merged(view, Long.MAX_VALUE, false);
            while (entries.hasNext()) {
                IndexEntry entry = entries.next();
                if (!entry.matches(query)) {
                    continue;
                }
                matched++;
                if (matched > query.offset() && page.size() < query.limit()) {
                    Task task = findUnchecked(entry.id());
                    if (task != null && query.matches(task)) {
                        page.add(task);
                    }
                } else if (!counting && page.size() >= query.limit()) {
                    break;
                }
            }
        }
        return new TaskPage(page, counting ? matched : total(query.status()));
    }

    /**
     * With no filter beyond the status, the counts kept per status, read under the index's lock;
     * otherwise one walk over the entries (a status change keeps a task's place, so each task is
     * met once, with one status).
     */
    Map<TaskStatus, Long> countByStatus(TaskQuery filter) {
        Map<TaskStatus, Long> counts = StatusCounts.zeros();
        if (!filter.filtersBeyondStatus()) {
            synchronized (this) {
                for (TaskStatus status : TaskStatus.values()) {
                    counts.put(status, total(status));
                }
            }
            return counts;
        }
        TaskQuery anyStatus = filter.anyStatus();
        Iterator<IndexEntry> entries = merged(view, Long.MAX_VALUE, false);
        while (entries.hasNext()) {
            IndexEntry entry = entries.next();
            if (entry.matches(anyStatus)) {
                counts.merge(entry.status(), 1L, Long::sum);
            }
        }
        return counts;
    }

    synchronized long total(TaskStatus status) {
        long total = 0;
        for (Map.Entry<TaskStatus, Map<Integer, Long>> byStatus : counts.entrySet()) {
            if (status == null || byStatus.getKey() == status) {
                for (long n : byStatus.getValue().values()) {
                    total += n;
                }
            }
        }
        return total;
    }

    /** How many tasks have each status and priority. */
    synchronized Map<TaskStatus, Map<Integer, Long>> countsByStatusAndPriority() {
        Map<TaskStatus, Map<Integer, Long>> copy = new EnumMap<>(TaskStatus.class);
        counts.forEach((status, byPriority) -> {
            Map<Integer, Long> nonZero = new HashMap<>();
            byPriority.forEach((priority, n) -> {
                if (n != 0) {
                    nonZero.put(priority, n);
                }
            });
            if (!nonZero.isEmpty()) {
                copy.put(status, Map.copyOf(nonZero));
            }
        });
        return copy;
    }

    List<Task> unfinished() {
        return unfinished.values().stream().sorted(Comparator.comparingLong(Task::sequence)).toList();
    }

    /** Up to {@code limit} tasks with a sequence above {@code after}, ascending. */
    List<Task> scan(long after, int limit) {
        List<Task> page = new ArrayList<>(Math.min(limit, 4096));
        Iterator<IndexEntry> entries = merged(view, after, true);
        while (entries.hasNext() && page.size() < limit) {
            IndexEntry entry = entries.next();
            if (entry.isDeleted()) {
                continue;
            }
            Task task = findUnchecked(entry.id());
            if (task != null && task.sequence() == entry.sequence()) {
                page.add(task);
            }
        }
        return page;
    }

    /** Up to {@code limit} finished tasks above {@code after} that finished before {@code cutoff}, ascending: only those files are read. */
    List<Task> scanFinishedBefore(java.time.Instant cutoff, long after, int limit) {
        long cutoffMillis = cutoff.toEpochMilli();
        List<Task> page = new ArrayList<>(Math.min(limit, 4096));
        Iterator<IndexEntry> entries = merged(view, after, true);
        while (entries.hasNext() && page.size() < limit) {
            IndexEntry entry = entries.next();
            if (!entry.finishedBefore(cutoffMillis + 1)) {
                continue;
            }
            Task task = findUnchecked(entry.id());
            if (task != null && task.sequence() == entry.sequence()
                    && io.provisioning.orchestrator.storage.TaskStorage.finishedBefore(task, cutoff)) {
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
        return maxSequence;
    }

    long size() {
        return total(null);
    }

    /** Unfinished tasks held whole in memory, and finished ones not yet written to their files. */
    int inMemory() {
        return unfinished.size() + unwritten.size();
    }

    // ---- merging memory and snapshot ----

    /**
     * Every entry of {@code v}, one per sequence (the newest source wins), from {@code from}
     * (exclusive when ascending; descending, at most {@code from}).
     */
    private static Iterator<IndexEntry> merged(View v, long from, boolean ascending) {
        List<Iterator<IndexEntry>> sources = new ArrayList<>(3);
        sources.add(range(v.active(), from, ascending));
        if (v.frozen() != null) {
            sources.add(range(v.frozen(), from, ascending));
        }
        sources.add(ascending ? v.snapshot().ascending(from) : v.snapshot().descending(from));
        return new MergedEntries(sources, ascending);
    }

    private static Iterator<IndexEntry> range(NavigableMap<EntryKey, IndexEntry> map, long from, boolean ascending) {
        EntryKey bound = EntryKey.after(from);
        return ascending ? map.tailMap(bound, false).values().iterator()
                : map.headMap(bound, true).descendingMap().values().iterator();
    }

    private static Iterator<IndexEntry> filter(Iterator<IndexEntry> in, Predicate<IndexEntry> keep) {
        return new Iterator<>() {
            private IndexEntry next;

            @Override
            public boolean hasNext() {
                while (next == null && in.hasNext()) {
                    IndexEntry candidate = in.next();
                    if (keep.test(candidate)) {
                        next = candidate;
                    }
                }
                return next != null;
            }

            @Override
            public IndexEntry next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                IndexEntry entry = next;
                next = null;
                return entry;
            }
        };
    }

    @Override
    public synchronized void close() {
        keys.close();
        view.snapshot().close();
        if (retired != null) {
            retired.close();
        }
        if (files != null) {
            files.close();
        }
    }
}
