package io.provisioning.orchestrator.storage.filesystem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds everything a previous process left: the task and queue files, then the journal replayed
 * on top of them. A file that cannot be read is moved to {@code corrupt/} with a log line and
 * never stops the start; a torn last journal line (a write that was never acknowledged) is ignored.
 */
final class OpenExistingData {
    private static final Logger LOG = LoggerFactory.getLogger(OpenExistingData.class);
    private static final ObjectMapper JSON = Json.mapper();

    private final FilesystemLayout layout;
    private final TaskIndex index;
    private Checkpointer replayTarget;

    OpenExistingData(FilesystemLayout layout, TaskIndex index) {
        this.layout = layout;
        this.index = index;
    }

    /** Loads index, unfinished tasks, queue files, and journal (key records stay in their files); returns the number the next journal segment should have. */
    long run() throws IOException {
        index.openKeys();
        IndexFiles files = new IndexFiles(layout.index());
        if (!files.exists()) {
            buildIndexFromTaskFiles(files);
        }
        index.load(files, this::readUnfinished);
        loadQueueFiles();
        return replayJournal();
    }

    /**
     * A store written before the index existed: every task file is read once, and the index's
     * first snapshot written from them. Later starts read the index, not the files. A task that
     * carries a key without a key record gets its {@code task-keys/} file.
     */
    private void buildIndexFromTaskFiles(IndexFiles files) throws IOException {
        List<IndexEntry> entries = new ArrayList<>();
        for (Path file : list(layout.tasks())) {
            String name = file.getFileName().toString();
            if (name.endsWith(".tmp")) {
                Files.deleteIfExists(file); // a write cut short before its rename: never acknowledged as a file
                continue;
            }
            if (!name.endsWith(".json")) {
                continue;
            }
            try {
                Task task = TaskFiles.parse(file, name.substring(0, name.length() - ".json".length()));
                entries.add(IndexEntry.of(task));
                if (task.idempotencyKey() != null) {
                    index.ensureTaskKey(task.idempotencyKey(), task.id(), true);
                }
            } catch (IOException | RuntimeException e) {
                moveAside(file, e);
            }
        }
        entries.sort(Comparator.comparing(IndexEntry::key));
        files.compact(entries.iterator()).close();
        if (!entries.isEmpty()) {
            LOG.info("built the task index from {} task files (once: later starts read the index)", entries.size());
        }
    }

    private Task readUnfinished(String id) {
        Path file = layout.taskFile(id);
        try {
            return TaskFiles.parse(file, id);
        } catch (java.nio.file.NoSuchFileException e) {
            return null; // an index entry logged before its file was written: the journal still holds the task
        } catch (IOException | RuntimeException e) {
            moveAside(file, e);
            return null;
        }
    }

    private void loadQueueFiles() throws IOException {
        for (Path file : list(layout.queue())) {
            String name = file.getFileName().toString();
            if (name.endsWith(".tmp")) {
                Files.deleteIfExists(file);
                continue;
            }
            if (!name.endsWith(".json")) {
                continue;
            }
            try {
                QueueFileRecord entry = JSON.readValue(file.toFile(), QueueFileRecord.class);
                if (index.find(entry.taskId()).isPresent()) {
                    index.markQueued(entry.taskId());
                } else {
                    LOG.warn("queue entry {} names no known task; removing it", file);
                    Files.deleteIfExists(file);
                }
            } catch (IOException | RuntimeException e) {
                moveAside(file, e);
            }
        }
    }

    private long replayJournal() throws IOException {
        List<Long> segments = Journal.segments(layout.journal());
        List<List<String>> records = new ArrayList<>();
        int lastWithRecords = -1;
        for (int s = 0; s < segments.size(); s++) {
            records.add(Journal.readRecords(Journal.segmentFile(layout.journal(), segments.get(s))));
            if (!records.get(s).isEmpty()) {
                lastWithRecords = s;
            }
        }
        int replayed = 0;
        for (int s = 0; s < segments.size(); s++) {
            Path file = Journal.segmentFile(layout.journal(), segments.get(s));
            List<String> lines = records.get(s);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JournalRecord record = JSON.readValue(line, JournalRecord.class);
                    Object change = record.toChange();
                    if (change instanceof SubmissionChange submission) {
                        replayTarget().absorb(submission);
                    } else if (change instanceof DeleteChange delete) {
                        replayTarget().absorb(delete);
                    } else {
                        replayTarget().absorb((Change) change);
                    }
                    replayed++;
                } catch (IOException | RuntimeException e) {
                    boolean lastLine = s == lastWithRecords && i == lines.size() - 1;
                    if (lastLine) {
                        LOG.warn("ignoring a torn last journal line in {} (a write that was never acknowledged)", file);
                    } else {
                        LOG.error("skipping an unreadable journal line {} of {}: {}", i + 1, file, e.getMessage());
                    }
                }
            }
        }
        if (replayed > 0) {
            LOG.info("replayed {} journal records from {} segments", replayed, segments.size());
        }
        return segments.isEmpty() ? 1 : segments.get(segments.size() - 1) + 1;
    }

    private Checkpointer replayTarget() {
        return replayTarget;
    }

    OpenExistingData into(Checkpointer checkpointer) {
        this.replayTarget = checkpointer;
        return this;
    }

    private void moveAside(Path file, Exception why) {
        try {
            Files.createDirectories(layout.corrupt());
            Path target = layout.corrupt().resolve(file.getFileName() + "." + System.currentTimeMillis());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            LOG.error("unreadable file {} moved to {}: {}", file, target, why.getMessage());
        } catch (IOException e) {
            LOG.error("unreadable file {} could not be moved aside: {}", file, e.getMessage());
        }
    }

    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
