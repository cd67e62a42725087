package io.provisioning.orchestrator.storage.filesystem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.CanonicalImport;
import io.provisioning.orchestrator.storage.migration.CanonicalTask;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks as JSON files in the Rust orchestrator's layout: {@code queue.rkvs/tasks/<uuid>.json}
 * and {@code queue.rkvs/queue/<uuid>.json}.
 *
 * <p>Only unfinished tasks are kept whole in memory; a finished one is read from its file, and
 * listings and counts come from the {@link TaskIndex} (a compact entry per task, on disk but for
 * the recent ones), so memory does not grow with the finished tasks a store holds.
 *
 * <p>A write is acknowledged once it is in the group-committed journal (fdatasync). The JSON
 * files are brought up to date by the {@link Checkpointer} (atomic temp + rename, then one
 * filesystem sync) about once a second and at close, after which the journal segments they
 * cover are deleted. On open, the files are read and the journal replayed on top, so nothing
 * acknowledged is lost whenever the process dies.
 */
public final class FilesystemTaskStorage implements TaskStorage, CanonicalImport {
    private static final Logger LOG = LoggerFactory.getLogger(FilesystemTaskStorage.class);
    private static final ObjectMapper JSON = Json.mapper();

    private final FilesystemLayout layout;
    private final TaskIndex index;
    private final Checkpointer checkpointer;
    private final Journal journal;
    private final DataDirLock lock;
    private final Map<String, CompletableFuture<Void>> keysInFlight = new ConcurrentHashMap<>();

    public FilesystemTaskStorage(Path dataDir) {
        this(dataDir, Duration.ofSeconds(1));
    }

    public FilesystemTaskStorage(Path dataDir, Duration checkpointInterval) {
        this(dataDir, checkpointInterval, "sync");
    }

    /** {@code syncProgram}: the {@code sync} run as {@code sync -f}; a missing one means one fsync per file (tests). */
    FilesystemTaskStorage(Path dataDir, Duration checkpointInterval, String syncProgram) {
        this(dataDir, checkpointInterval, syncProgram, TaskIndex.COMPACT_AT);
    }

    /** {@code compactIndexAt}: index entries changed in memory before a checkpoint compacts them (tests make it small). */
    FilesystemTaskStorage(Path dataDir, Duration checkpointInterval, String syncProgram, int compactIndexAt) {
        this(dataDir, checkpointInterval, syncProgram, compactIndexAt, KeyRecords.CACHE);
    }

    /** {@code keyCache}: key records kept in memory once their files are written (tests make it small). */
    FilesystemTaskStorage(Path dataDir, Duration checkpointInterval, String syncProgram, int compactIndexAt, int keyCache) {
        this.layout = new FilesystemLayout(dataDir.resolve("queue.rkvs"));
        this.index = new TaskIndex(layout, id -> TaskFiles.read(layout, id), compactIndexAt, keyCache);
        try {
            this.lock = DataDirLock.take(layout.root());
        } catch (IOException e) {
            throw new StorageException("cannot open filesystem storage in " + dataDir + ": " + e.getMessage(), e);
        }
        try {
            layout.create();
            this.checkpointer = new Checkpointer(layout, index, syncProgram);
            long nextSegment = new OpenExistingData(layout, index).into(checkpointer).run();
            // the replayed files are on disk before the segments that held them are gone
            checkpointer.syncAndDropSegmentsBefore(nextSegment, checkpointer.materializeAll());
            this.journal = new Journal(layout.journal(), nextSegment, checkpointer::onDurable);
            checkpointer.start(journal, checkpointInterval);
        } catch (IOException | RuntimeException e) {
            index.close();
            lock.close();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StorageException("cannot open filesystem storage in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String type() {
        return "filesystem";
    }

    /** The journal lines and task files (see {@code DataFormats.FILESYSTEM_STORE}); version 1 is today's layout. */
    @Override
    public java.util.Map<String, Integer> formatVersions() {
        return java.util.Map.of(io.provisioning.orchestrator.format.DataFormats.FILESYSTEM_STORE, FilesystemStorageFactory.FORMAT_VERSION);
    }

    @Override
    public void save(Task task) {
        write(new Change(task, Change.QueueOp.KEEP));
    }

    @Override
    public void saveAndEnqueue(Task task) {
        write(new Change(task, Change.QueueOp.ADD));
    }

    @Override
    public void saveAndDequeue(Task task) {
        write(new Change(task, Change.QueueOp.REMOVE));
    }

    /** Acknowledged once its journal line is durable; the checkpoint then deletes the task's files. */
    @Override
    public boolean delete(String id) {
        if (index.find(id).isEmpty()) {
            return false;
        }
        DeleteChange change = new DeleteChange(id);
        journal.append(line(JournalRecord.of(change)), change);
        return true;
    }

    private void write(Change change) {
        journal.append(line(JournalRecord.of(change)), change);
    }

    /**
     * One journal line holds the whole submission, so a crash keeps all of it or none. One process
     * owns the data directory ({@link DataDirLock}), so the index is the unique key: a key is
     * reserved in {@link #keysInFlight} from the check until its line is durable, and a second
     * writer of the same key waits for the first and then answers the stored record.
     */
    @Override
    public Optional<IdempotencyRecord> saveSubmission(List<Task> tasks, IdempotencyRecord idempotency) {
        SubmissionChange change = new SubmissionChange(List.copyOf(tasks), idempotency);
        if (idempotency == null) {
            journal.append(line(JournalRecord.of(change)), change);
            return Optional.empty();
        }
        String key = idempotency.key();
        while (true) {
            Optional<IdempotencyRecord> stored = index.findIdempotencyRecord(key);
            if (stored.isPresent()) {
                return stored;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> other = keysInFlight.putIfAbsent(key, mine);
            if (other != null) {
                other.handle((ok, failed) -> null).join();
                continue;
            }
            try {
                stored = index.findIdempotencyRecord(key); // the writer before may have finished just now
                if (stored.isPresent()) {
                    return stored;
                }
                journal.append(line(JournalRecord.of(change)), change);
                return Optional.empty();
            } finally {
                keysInFlight.remove(key, mine);
                mine.complete(null);
            }
        }
    }

    @Override
    public Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
        return index.findIdempotencyRecord(key);
    }

    @Override
    public List<IdempotencyRecord> scanIdempotencyRecords(String afterKey, int limit) {
        return index.scanKeys(afterKey == null ? "" : afterKey, limit);
    }

    /** One journal line per record (a submission without tasks), appended and synced together. */
    @Override
    public void importIdempotencyRecords(List<IdempotencyRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<byte[]> lines = new ArrayList<>(records.size());
        List<SubmissionChange> changes = new ArrayList<>(records.size());
        for (IdempotencyRecord record : records) {
            SubmissionChange change = new SubmissionChange(List.of(), record);
            lines.add(line(JournalRecord.of(change)));
            changes.add(change);
        }
        journal.appendAll(lines, changes);
    }

    private static byte[] line(JournalRecord record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void importBatch(List<Task> tasks, Set<String> queued) {
        List<byte[]> lines = new ArrayList<>(tasks.size());
        List<Change> changes = new ArrayList<>(tasks.size());
        for (Task task : tasks) {
            Change change = new Change(task, queued.contains(task.id()) ? Change.QueueOp.ADD : Change.QueueOp.REMOVE);
            try {
                lines.add(JSON.writeValueAsBytes(JournalRecord.of(change)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            changes.add(change);
        }
        journal.appendAll(lines, changes);
    }

    /**
     * {@link #importBatch} from the tasks' canonical JSON: each journal line is put together from
     * those bytes ({@link JournalRecord#importLine}) instead of serializing the task again.
     */
    @Override
    public void importCanonical(List<CanonicalTask> tasks, Set<String> queued) {
        List<byte[]> lines = new ArrayList<>(tasks.size());
        List<Change> changes = new ArrayList<>(tasks.size());
        for (CanonicalTask canonical : tasks) {
            Change.QueueOp op = queued.contains(canonical.task().id()) ? Change.QueueOp.ADD : Change.QueueOp.REMOVE;
            lines.add(JournalRecord.importLine(canonical.json(), op));
            changes.add(new Change(canonical.task(), op, canonical.json()));
        }
        journal.appendAll(lines, changes);
    }

    @Override
    public List<Task> scan(long afterSequence, int limit) {
        return index.scan(afterSequence, limit);
    }

    @Override
    public List<Task> scanFinishedBefore(java.time.Instant cutoff, long afterSequence, int limit) {
        return index.scanFinishedBefore(cutoff, afterSequence, limit);
    }

    @Override
    public long count() {
        return index.size();
    }

    @Override
    public Optional<Task> find(String id) {
        return index.find(id);
    }

    @Override
    public TaskPage list(TaskQuery query) {
        return index.list(query);
    }

    @Override
    public Map<TaskStatus, Long> countByStatus(TaskQuery filter) {
        return index.countByStatus(filter);
    }

    @Override
    public Map<TaskStatus, Map<Integer, Long>> countsByStatusAndPriority() {
        return index.countsByStatusAndPriority();
    }

    /** Unfinished tasks held whole in memory, and finished ones not yet in their files (tests, benchmarks). */
    int tasksInMemory() {
        return index.inMemory();
    }

    /** Idempotency keys held in memory (tests, benchmarks): bounded, whatever the store holds. */
    int keysInMemory() {
        return index.keysInMemory();
    }

    /** Index entries changed in memory since the last compaction (tests, benchmarks). */
    int indexEntriesInMemory() {
        return index.changedInMemory();
    }

    @Override
    public List<Task> findUnfinished() {
        return index.unfinished();
    }

    @Override
    public List<String> queuedTaskIds() {
        return index.queuedIds();
    }

    @Override
    public Optional<Task> findByIdempotencyKey(String key) {
        return index.findByIdempotencyKey(key);
    }

    @Override
    public long maxSequence() {
        return index.maxSequence();
    }

    /**
     * Fails naming each part that cannot be written (the journal, the task files) and why. A failed
     * journal is tried again here (one newline written and synced), so it heals once space returns
     * even when nothing else writes.
     */
    @Override
    public void checkHealth() {
        List<String> problems = new ArrayList<>();
        String journalProblem = journal.heal();
        if (journalProblem != null) {
            problems.add("journal: cannot write (" + journalProblem + ")");
        } else if (journal.nextSegmentFailed()) {
            problems.add("journal: cannot make its next segment (" + journal.nextSegmentProblem()
                    + "); acknowledged writes go on in the current one while it has room");
        }
        String filesProblem = checkpointer.problem();
        if (filesProblem != null) {
            problems.add("task files: cannot write (" + filesProblem + "); the journal keeps every change");
        }
        if (!Files.isWritable(layout.tasks())) {
            problems.add("task files: " + layout.tasks() + " is not writable");
        }
        if (!problems.isEmpty()) {
            throw new StorageUnavailableException("filesystem storage at " + layout.root() + ": "
                    + String.join("; ", problems));
        }
    }

    /** Files fsynced one by one since open (where {@code syncfs} is unavailable; tests). */
    long filesFsynced() {
        return checkpointer.filesFsynced();
    }

    /** Makes the next journal segment now instead of at the checkpointer's next round (tests). */
    void prepareNextSegmentNow() throws IOException {
        journal.prepareNextSegment();
    }

    /** Runs a checkpoint now instead of at the next interval (tests). */
    void checkpointNow() throws IOException {
        checkpointer.checkpoint();
    }

    @Override
    public void close() {
        journal.close();
        checkpointer.close();
        long tasks = index.size();
        index.close();
        lock.close();
        LOG.info("filesystem storage closed; {} tasks on disk", tasks);
    }
}
