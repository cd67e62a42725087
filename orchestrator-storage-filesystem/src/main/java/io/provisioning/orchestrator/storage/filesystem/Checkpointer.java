package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.durability.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the JSON files up to date with what the journal made durable, then lets the journal go.
 * Changes are coalesced: a task that went Pending, Running, Completed within one interval is
 * written once. The files are synced with one {@code syncfs} (coreutils {@code sync -f}) rather
 * than one fsync per file; where that is unavailable, each file is fsynced, the files replayed at
 * open included, before any journal segment that holds them is deleted. A checkpoint that fails
 * (a full disk) hands its changes back, is tried again every round, and says why until one works
 * ({@link #problem()}). While the journal cannot make its next segment, no rotation happens: the
 * journal goes on in the space it already holds.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    private static final ObjectMapper JSON = Json.mapper();

    private final FilesystemLayout layout;
    private final TaskIndex index;
    private Map<String, TaskFile> dirtyTasks = new HashMap<>();
    private Map<String, Boolean> dirtyQueue = new HashMap<>();
    private Map<String, IdempotencyRecord> dirtyKeys = new HashMap<>();
    /** Tasks deleted since the last checkpoint, with the sequence they had (-1: not in the index): their files go. */
    private Map<String, Long> dirtyDeletes = new HashMap<>();
    private Journal journal;
    private final Object wake = new Object();
    private Thread thread;
    private volatile boolean running;
    private boolean syncfsWorks = true;
    private final String syncProgram;
    /** Files synced one by one (where {@code syncfs} is unavailable), for tests and logs. */
    private final java.util.concurrent.atomic.AtomicLong filesFsynced = new java.util.concurrent.atomic.AtomicLong();
    private volatile String problem;

    Checkpointer(FilesystemLayout layout, TaskIndex index) {
        this(layout, index, "sync");
    }

    /** {@code syncProgram}: the coreutils {@code sync} to run as {@code sync -f <root>}; one that fails means one fsync per file. */
    Checkpointer(FilesystemLayout layout, TaskIndex index, String syncProgram) {
        this.layout = layout;
        this.index = index;
        this.syncProgram = syncProgram;
    }

    /** Why the task files could not be written at the last checkpoint, or null if it worked. */
    String problem() {
        return problem;
    }

    long filesFsynced() {
        return filesFsynced.get();
    }

    /** Journal callback: the batch is durable; apply it to memory and remember the files to write. */
    void onDurable(List<Object> changes) {
        synchronized (this) {
            for (Object o : changes) {
                if (o instanceof SubmissionChange submission) {
                    absorb(submission);
                } else if (o instanceof DeleteChange delete) {
                    absorb(delete);
                } else {
                    absorb((Change) o);
                }
            }
        }
    }

    synchronized void absorb(Change change) {
        index.apply(change);
        dirtyDeletes.remove(change.task().id());
        dirtyTasks.put(change.task().id(), new TaskFile(change.task(), change.json()));
        switch (change.queue()) {
            case ADD -> dirtyQueue.put(change.task().id(), Boolean.TRUE);
            case REMOVE -> dirtyQueue.put(change.task().id(), Boolean.FALSE);
            case KEEP -> { }
        }
    }

    synchronized void absorb(DeleteChange delete) {
        long sequence = index.remove(delete.taskId());
        dirtyTasks.remove(delete.taskId());
        dirtyDeletes.merge(delete.taskId(), sequence, Math::max);
        dirtyQueue.put(delete.taskId(), Boolean.FALSE);
    }

    synchronized void absorb(SubmissionChange submission) {
        submission.changes().forEach(this::absorb);
        if (submission.idempotency() != null) {
            index.applyKey(submission.idempotency());
            dirtyKeys.put(submission.idempotency().key(), submission.idempotency());
        }
    }

    /** Writes the file of every task the replay changed (used once at open); returns the files written. */
    synchronized List<Path> materializeAll() throws IOException {
        List<Path> written = writeFiles(new ArrayList<>(dirtyTasks.values()), new HashMap<>(dirtyQueue),
                new ArrayList<>(dirtyKeys.values()), new HashMap<>(dirtyDeletes));
        dirtyDeletes = new HashMap<>();
        dirtyTasks = new HashMap<>();
        dirtyQueue = new HashMap<>();
        dirtyKeys = new HashMap<>();
        return written;
    }

    void start(Journal journal, Duration interval) {
        this.journal = journal;
        this.running = true;
        this.thread = Thread.ofPlatform().name("checkpointer").daemon(true).start(() -> {
            while (prepareNextSegment() && awaitNextRound(interval)) {
                try {
                    checkpoint();
                    if (problem != null) {
                        LOG.info("task files can be written again");
                    }
                    problem = null;
                } catch (Exception e) {
                    // the journal still holds everything and the changes stay dirty; try again next round
                    if (problem == null) {
                        LOG.error("checkpoint failed; the journal keeps the changes and it is tried every round", e);
                    }
                    problem = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                }
            }
        });
    }

    /** Rotates the journal, writes the files for everything before the rotation, syncs, drops old segments. */
    void checkpoint() throws IOException {
        List<TaskFile> tasks;
        Map<String, Boolean> queue;
        List<IdempotencyRecord> keys;
        Map<String, Long> deletes;
        long closedSegment;
        boolean idle;
        synchronized (journal.segmentLock()) {
            synchronized (this) {
                idle = dirtyTasks.isEmpty() && dirtyQueue.isEmpty() && dirtyKeys.isEmpty() && dirtyDeletes.isEmpty();
            }
        }
        if (idle) {
            index.compactIfDue(); // entries the log holds already, left by a round whose compaction was not due yet
            return;
        }
        synchronized (journal.segmentLock()) {
            synchronized (this) {
                if (dirtyTasks.isEmpty() && dirtyQueue.isEmpty() && dirtyKeys.isEmpty() && dirtyDeletes.isEmpty()) {
                    return;
                }
                if (journal.nextSegmentFailed() && running) {
                    // a rotation now would go into an empty segment on a full disk: stay in the prepared one
                    throw new IOException("the journal cannot make its next segment ("
                            + journal.nextSegmentProblem() + "), so no checkpoint is taken");
                }
                closedSegment = journal.rotate();
                tasks = new ArrayList<>(dirtyTasks.values());
                queue = dirtyQueue;
                keys = new ArrayList<>(dirtyKeys.values());
                deletes = dirtyDeletes;
                dirtyTasks = new HashMap<>();
                dirtyQueue = new HashMap<>();
                dirtyKeys = new HashMap<>();
                dirtyDeletes = new HashMap<>();
            }
        }
        try {
            sync(writeFiles(tasks, queue, keys, deletes));
        } catch (IOException | RuntimeException e) {
            giveBack(tasks, queue, keys, deletes);
            throw e;
        }
        dropSegmentsThrough(closedSegment);
        index.compactIfDue();
    }

    /**
     * A failed checkpoint hands its changes back, so that the next one writes their files before it
     * drops the journal segments that hold them. Changes that arrived meanwhile are newer and win.
     */
    private synchronized void giveBack(List<TaskFile> tasks, Map<String, Boolean> queue, List<IdempotencyRecord> keys,
            Map<String, Long> deletes) {
        for (TaskFile file : tasks) {
            if (!dirtyDeletes.containsKey(file.task().id())) {
                dirtyTasks.putIfAbsent(file.task().id(), file);
            }
        }
        deletes.forEach((id, sequence) -> {
            if (!dirtyTasks.containsKey(id)) {
                dirtyDeletes.putIfAbsent(id, sequence);
            }
        });
        queue.forEach(dirtyQueue::putIfAbsent);
        keys.forEach(k -> dirtyKeys.putIfAbsent(k.key(), k));
    }

    /** Has the journal make its next segment ahead of time, off the writers' path; always true. */
    private boolean prepareNextSegment() {
        try {
            journal.prepareNextSegment();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not prepare the next journal segment; it will be made when needed", e);
        }
        return true;
    }

    /** Sleeps one interval, or less if closed meanwhile; false once closed. */
    private boolean awaitNextRound(Duration interval) {
        synchronized (wake) {
            if (running) {
                try {
                    wake.wait(Math.max(1, interval.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return running;
        }
    }

    /** Syncs the files a replay wrote ({@code written}, one by one if {@code syncfs} is unavailable), then drops the replayed segments. */
    void syncAndDropSegmentsBefore(long segment, List<Path> written) throws IOException {
        sync(written);
        dropSegmentsThrough(segment - 1);
    }

    /**
     * The index log first, synced, so the index is never behind the task files; then the files.
     * Once a file is written, memory lets its finished task go ({@link TaskIndex#written}), and its
     * key record ({@link KeyRecords#written}) but for a small cache.
     */
    private List<Path> writeFiles(List<TaskFile> tasks, Map<String, Boolean> queue, List<IdempotencyRecord> keys,
            Map<String, Long> deletes) throws IOException {
        List<IndexEntry> entries = new ArrayList<>(tasks.size() + deletes.size());
        deletes.forEach((id, sequence) -> {
            if (sequence >= 0) {
                entries.add(IndexEntry.deletion(sequence, id));
            }
        });
        tasks.forEach(file -> entries.add(IndexEntry.of(file.task())));
        index.appendToLog(entries);
        List<Path> written = new ArrayList<>(tasks.size() + queue.size() + keys.size() + 1);
        if (!keys.isEmpty()) {
            index.keyRecords().listing(keys); // listed before the files are written, synced with them
            written.add(index.keyRecords().listFile());
        }
        for (String id : deletes.keySet()) {
            Files.deleteIfExists(layout.taskFile(id)); // the directory sync below makes the deletion durable
            index.deletedWritten(id);
        }
        for (IdempotencyRecord record : keys) {
            Path file = IdempotencyFiles.fileFor(layout, record.key());
            AtomicFiles.write(file, JSON.writeValueAsBytes(record), false);
            written.add(file);
            index.keyRecords().written(record);
        }
        java.util.Set<String> recorded = new java.util.HashSet<>(keys.size() * 2);
        keys.forEach(record -> recorded.add(record.key()));
        for (TaskFile taskFile : tasks) {
            Task task = taskFile.task();
            Path file = layout.taskFile(task.id());
            AtomicFiles.write(file, taskFile.bytes(), false);
            written.add(file);
            if (task.idempotencyKey() != null && !recorded.contains(task.idempotencyKey())) {
                Path mapping = index.ensureTaskKey(task.idempotencyKey(), task.id(), false);
                if (mapping != null) {
                    written.add(mapping);
                }
            }
            index.written(task.id(), task);
        }
        for (Map.Entry<String, Boolean> entry : queue.entrySet()) {
            Path file = layout.queueFile(entry.getKey());
            if (entry.getValue()) {
                Task task = index.find(entry.getKey()).orElse(null);
                if (task != null) {
                    AtomicFiles.write(file, JSON.writeValueAsBytes(QueueFileRecord.of(task)), false);
                    written.add(file);
                }
            } else {
                Files.deleteIfExists(file);
            }
        }
        return written;
    }

    private void sync(List<Path> written) throws IOException {
        if (syncfsWorks) {
            try {
                Process sync = new ProcessBuilder(syncProgram, "-f", layout.root().toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (sync.waitFor() == 0) {
                    return;
                }
                LOG.warn("'sync -f' failed (exit {}); falling back to one fsync per file", sync.exitValue());
            } catch (IOException e) {
                LOG.warn("'sync -f' is not available ({}); falling back to one fsync per file", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while syncing", e);
            }
            syncfsWorks = false;
        }
        for (Path file : written) {
            if (Files.exists(file)) {
                try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
                    channel.force(true);
                }
                filesFsynced.incrementAndGet();
            }
        }
        AtomicFiles.fsyncDirectory(layout.tasks());
        AtomicFiles.fsyncDirectory(layout.queue());
        AtomicFiles.fsyncDirectory(layout.idempotency());
        AtomicFiles.fsyncDirectory(layout.taskKeys());
    }

    private void dropSegmentsThrough(long segment) throws IOException {
        for (long s : Journal.segments(layout.journal())) {
            if (s <= segment) {
                Files.deleteIfExists(Journal.segmentFile(layout.journal(), s));
            }
        }
    }

    @Override
    public void close() {
        // no interrupt: it would close a file channel in the middle of a checkpoint; let that one finish
        synchronized (wake) {
            running = false;
            wake.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            checkpoint();
        } catch (IOException e) {
            LOG.error("final checkpoint failed; the journal keeps the changes for the next start", e);
        }
    }

    /**
     * A task file to write: the task, and its canonical JSON when the change carried it (an import),
     * which is byte for byte what serializing the task gives ({@code Json.mapper()}), so those bytes
     * are written instead of serializing the task a second time.
     */
    record TaskFile(Task task, byte[] json) {
        byte[] bytes() throws IOException {
            return json != null ? json : JSON.writeValueAsBytes(task);
        }
    }
}
