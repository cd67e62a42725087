package io.provisioning.orchestrator.storage.filesystem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.durability.AtomicFiles;
import io.provisioning.orchestrator.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task index on disk, in {@code queue.rkvs/index/}: generation {@code N} is
 * {@code snapshot-N.jsonl} (every task's {@link IndexEntry}, ascending sequence) and
 * {@code log-N.jsonl} (entries written since, in order; a later line for a sequence wins). The
 * checkpointer appends to the log and syncs it before it writes or deletes any task file, so the
 * index is never behind the files. Compaction writes generation N+1 (snapshot synced and renamed
 * into place, then an empty log), then removes generation N; a start uses the highest snapshot.
 */
final class IndexFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexFiles.class);
    private static final ObjectMapper JSON = Json.mapper();
    private static final Pattern NAME = Pattern.compile("(snapshot|log)-(\\d{12})\\.(jsonl|meta\\.json)");

    private final Path dir;
    private long generation;
    private FileChannel log;
    private long logEnd;

    IndexFiles(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        long highest = 0;
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.toList();
        }
        for (Path file : files) {
            Matcher m = NAME.matcher(file.getFileName().toString());
            if (m.matches() && m.group(1).equals("snapshot") && m.group(3).equals("jsonl")) {
                highest = Math.max(highest, Long.parseLong(m.group(2)));
            }
        }
        for (Path file : files) {
            Matcher m = NAME.matcher(file.getFileName().toString());
            if (!m.matches() || Long.parseLong(m.group(2)) != highest) {
                Files.deleteIfExists(file); // a snapshot cut short before its rename, or a compaction's leftovers
            }
        }
        this.generation = highest;
    }

    /** Whether an index was ever written here (else it is built once from the task files). */
    boolean exists() {
        return generation > 0;
    }

    private Path snapshotFile(long gen) {
        return dir.resolve(String.format("snapshot-%012d.jsonl", gen));
    }

    private Path summaryFile(long gen) {
        return dir.resolve(String.format("snapshot-%012d.meta.json", gen));
    }

    /**
     * The current snapshot opened from its summary, without reading it, or empty if it has no
     * readable summary (then {@link #openSnapshot} reads it whole).
     */
    java.util.Optional<java.util.Map.Entry<IndexSnapshot, SnapshotSummary>> openFromSummary() {
        Path file = summaryFile(generation);
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        try {
            SnapshotSummary summary = JSON.readValue(Files.readAllBytes(file), SnapshotSummary.class);
            if (summary.offset()[summary.blocks()] != Files.size(snapshotFile(generation))) {
                throw new IOException("it does not describe a snapshot of " + Files.size(snapshotFile(generation)) + " bytes");
            }
            return java.util.Optional.of(java.util.Map.entry(IndexSnapshot.open(snapshotFile(generation), summary), summary));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot use the index summary {} ({}); reading the whole snapshot instead", file, e.getMessage());
            return java.util.Optional.empty();
        }
    }

    private Path logFile(long gen) {
        return dir.resolve(String.format("log-%012d.jsonl", gen));
    }

    /** Opens the current snapshot, {@code each} seeing every entry. */
    IndexSnapshot openSnapshot(Consumer<IndexEntry> each) throws IOException {
        return IndexSnapshot.open(snapshotFile(generation), each);
    }

    /**
     * Reads the current log in order and opens it for appending. A torn last line (an append
     * that was cut short and never covered by a dropped journal segment) is cut off.
     */
    void readLog(Consumer<IndexEntry> each) throws IOException {
        Path file = logFile(generation);
        long good = readLogLines(file, each, true);
        log = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        log.truncate(good);
        logEnd = good;
        AtomicFiles.fsyncDirectory(dir);
    }

    /**
     * Every live entry of the index as it is on disk (the snapshot, then the log: a later line for
     * a sequence wins, a deletion removes it), read without writing anything.
     */
    java.util.Map<EntryKey, IndexEntry> readAll() throws IOException {
        java.util.Map<EntryKey, IndexEntry> all = new java.util.HashMap<>();
        if (Files.exists(snapshotFile(generation))) {
            IndexSnapshot.open(snapshotFile(generation), entry -> all.put(entry.key(), entry)).close();
        }
        readLogLines(logFile(generation), entry -> all.put(entry.key(), entry), false);
        all.values().removeIf(IndexEntry::isDeleted);
        return all;
    }

    /** Reads the log's whole lines in order; returns the length they cover (a torn last line is not). */
    private static long readLogLines(Path file, Consumer<IndexEntry> each, boolean log) throws IOException {
        long good = 0;
        if (!Files.exists(file)) {
            return good;
        }
        byte[] bytes = Files.readAllBytes(file);
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                if (i > from) {
                    try {
                        each.accept(JSON.readValue(bytes, from, i - from, IndexEntry.class));
                    } catch (IOException e) {
                        if (log) {
                            LOG.error("skipping an unreadable index log line in {}: {}", file, e.getMessage());
                        }
                    }
                }
                from = i + 1;
                good = from;
            }
        }
        if (log && good < bytes.length) {
            LOG.warn("ignoring a torn last line of {} ({} bytes)", file, bytes.length - good);
        }
        return good;
    }

    /** Appends entries to the log and makes them durable. */
    void append(List<IndexEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(entries.size() * 160);
        for (IndexEntry entry : entries) {
            out.write(JSON.writeValueAsBytes(entry));
            out.write('\n');
        }
        ByteBuffer buffer = ByteBuffer.wrap(out.toByteArray());
        long at = logEnd;
        try {
            while (buffer.hasRemaining()) {
                at += log.write(buffer, at);
            }
            log.force(false);
        } catch (IOException e) {
            log.truncate(logEnd); // the next append starts at a line's start
            throw e;
        }
        logEnd = at;
    }

    /**
     * Writes generation N+1 from {@code ascending} (every live entry), with an empty log, and
     * removes generation N; returns the new snapshot, open.
     */
    IndexSnapshot compact(Iterator<IndexEntry> ascending) throws IOException {
        long next = generation + 1;
        Path temp = dir.resolve("snapshot.tmp");
        SnapshotSummary.Collector collected = new SnapshotSummary.Collector();
        IndexSnapshot written = IndexSnapshot.write(temp, ascending, collected::add);
        // the summary first: a snapshot in place always has its own (one left without its snapshot is removed at open)
        AtomicFiles.write(summaryFile(next), JSON.writeValueAsBytes(written.summary(collected)), true);
        Files.move(temp, snapshotFile(next), StandardCopyOption.ATOMIC_MOVE);
        FileChannel newLog = FileChannel.open(logFile(next), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        AtomicFiles.fsyncDirectory(dir);
        long old = generation;
        generation = next;
        if (log != null) {
            log.close();
        }
        log = newLog;
        logEnd = 0;
        Files.deleteIfExists(logFile(old));
        Files.deleteIfExists(snapshotFile(old));
        Files.deleteIfExists(summaryFile(old));
        return written;
    }

    @Override
    public void close() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                LOG.warn("closing the index log failed", e);
            }
        }
    }
}
