package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.durability.AtomicFiles;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-ahead journal with group commit. Writers hand in a record and wait; one flusher thread
 * appends everything that has arrived meanwhile and makes it durable with a single fdatasync,
 * then lets all those writers go. One fsync serves many writes, which is how a file-per-task
 * layout can take thousands of durable writes a second on one disk.
 *
 * <p>The journal is split into numbered segments so a checkpoint can drop the old ones. The next
 * segment is made ahead of time, zero-filled and synced with its full size, so that the
 * fdatasync after each batch only has data blocks to flush: appending to a growing file would
 * also make the filesystem commit its journal (the new size), with every other metadata change
 * of the whole filesystem in it, on each batch. Readers stop at the first zero byte (see
 * {@link #readRecords}).
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final int MAX_BATCH = 8192;

    private record Pending(byte[] line, Object payload, CompletableFuture<Void> done) {}

    private final Path dir;
    private final Consumer<List<Object>> onDurable;
    private final LinkedBlockingQueue<Pending> inbox = new LinkedBlockingQueue<>();
    private static final long MIN_PREPARED_BYTES = 1 << 20;
    private static final long MAX_PREPARED_BYTES = 64L << 20;
    private static final int ZERO_CHUNK = 1 << 20;

    private final Object segmentLock = new Object();
    /** Held while segments are made or switched; never waited for by the flusher. */
    private final Object rotationLock = new Object();
    private final Thread flusher;
    private volatile boolean open = true;
    private volatile IOException failure;
    private FileChannel channel;
    private long segment;
    /** Where the next batch goes in the current segment (the segment may be longer: zeros). */
    private volatile long position;
    private volatile long lastSegmentBytes;
    /** The number of the segment zero-filled ahead of time, or 0 if none is. */
    private long prepared;
    /** Why the last try to make the next segment failed (a full disk), or null. */
    private volatile String prepareProblem;

    /**
     * @param onDurable called on the flusher thread, in journal order, with each batch's payloads
     *                  after the batch is on disk and before its writers are released
     */
    Journal(Path dir, long firstSegment, Consumer<List<Object>> onDurable) throws IOException {
        this.dir = dir;
        this.onDurable = onDurable;
        Files.createDirectories(dir);
        this.segment = firstSegment - 1;
        try {
            // the first segment holds its space ahead too, so a disk that fills soon after a start takes writes
            prepareNextSegment();
        } catch (IOException e) {
            LOG.warn("could not make the first journal segment ahead of time ({}); it grows as it goes", e.getMessage());
        }
        this.segment = firstSegment;
        this.channel = openSegment(firstSegment);
        this.position = 0;
        this.flusher = Thread.ofPlatform().name("journal-flusher").daemon(true).start(this::flushLoop);
    }

    static Path segmentFile(Path dir, long segment) {
        return dir.resolve(String.format("segment-%012d.log", segment));
    }

    /** Segment numbers present on disk, oldest first. */
    static List<Long> segments(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("segment-\\d{12}\\.log"))
                    .map(n -> Long.parseLong(n.substring(8, 20)))
                    .sorted().toList();
        }
    }

    /** Appends one record and returns once it is durable. */
    void append(byte[] line, Object payload) {
        if (!open) {
            throw new StorageUnavailableException("filesystem storage is closed");
        }
        Pending pending = new Pending(line, payload, new CompletableFuture<>());
        inbox.add(pending);
        try {
            pending.done().get();
        } catch (InterruptedException e) {
            // the record may still be written; the caller treats it as not acknowledged
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while waiting for the journal");
        } catch (ExecutionException e) {
            throw new StorageUnavailableException("filesystem storage cannot write: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Appends many records (bulk import) and returns once all are durable: one wait, usually one fsync. */
    void appendAll(List<byte[]> lines, List<?> payloads) {
        if (!open) {
            throw new StorageUnavailableException("filesystem storage is closed");
        }
        List<CompletableFuture<Void>> done = new ArrayList<>(lines.size());
        List<Pending> batch = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Pending pending = new Pending(lines.get(i), payloads.get(i), new CompletableFuture<>());
            batch.add(pending);
            done.add(pending.done());
        }
        inbox.addAll(batch);
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while waiting for the journal");
        } catch (ExecutionException e) {
            throw new StorageUnavailableException("filesystem storage cannot write: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Starts a new segment; returns the number of the one just closed. Runs between batches. */
    long rotate() throws IOException {
        synchronized (rotationLock) {
            synchronized (segmentLock) {
                long closed = segment;
                FileChannel old = channel;
                channel = openSegment(segment + 1);
                segment++;
                lastSegmentBytes = position;
                position = 0;
                old.close();
                return closed;
            }
        }
    }

    /**
     * Makes the segment after the current one ahead of time: zero-filled, about one and a half
     * times the size of the last full segment, synced with its size and directory entry. Does
     * nothing if it is already made or the journal is closed. Call it outside {@link #segmentLock()}:
     * writing the zeros takes a while, and the flusher goes on meanwhile.
     */
    void prepareNextSegment() throws IOException {
        synchronized (rotationLock) {
            long next = segment + 1;
            if (!open || prepared == next) {
                return;
            }
            long bytes = Math.min(MAX_PREPARED_BYTES,
                    Math.max(MIN_PREPARED_BYTES, Math.max(lastSegmentBytes, position) * 3 / 2));
            bytes = (bytes + ZERO_CHUNK - 1) / ZERO_CHUNK * ZERO_CHUNK;
            Path file = segmentFile(dir, next);
            // nothing but this method ever wrote to a segment after the current one: it holds no records
            try {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer zeros = ByteBuffer.allocate(ZERO_CHUNK);
                    for (long written = 0; written < bytes; written += ZERO_CHUNK) {
                        zeros.clear();
                        while (zeros.hasRemaining()) {
                            ch.write(zeros);
                        }
                    }
                    ch.force(true);
                }
                AtomicFiles.fsyncDirectory(dir);
            } catch (IOException e) {
                // a half-made segment on a full disk would hold the space every other part needs
                Files.deleteIfExists(file);
                prepareProblem = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                throw e;
            }
            prepared = next;
            prepareProblem = null;
        }
    }

    /**
     * The records of one segment, in order. A segment ends at its first zero byte: what follows is
     * the unused rest of a prepared segment, or of a batch that was never acknowledged. JSON text
     * never holds a zero byte (Jackson escapes U+0000).
     */
    static List<String> readRecords(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }

    Object segmentLock() {
        return segmentLock;
    }

    /**
     * Opens a segment for writing from its start: the prepared one if there is one, else an empty
     * file (emptied if a preparation that failed half-way left one: no segment after the current
     * one ever holds records).
     */
    private FileChannel openSegment(long number) throws IOException {
        if (prepared == number) {
            return FileChannel.open(segmentFile(dir, number), StandardOpenOption.WRITE);
        }
        FileChannel ch = FileChannel.open(segmentFile(dir, number), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        AtomicFiles.fsyncDirectory(dir);
        return ch;
    }

    private void flushLoop() {
        List<Pending> batch = new ArrayList<>();
        while (open || !inbox.isEmpty()) {
            try {
                Pending first = inbox.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                inbox.drainTo(batch, MAX_BATCH - 1);
                flush(batch);
            } catch (InterruptedException e) {
                if (!open) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.error("journal flusher error; going on", e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void flush(List<Pending> batch) {
        // after a failed batch, whatever part of it reached the file may end in half a line:
        // a leading newline keeps it from running into this batch's first record
        int size = failure != null ? 1 : 0;
        for (Pending p : batch) {
            size += p.line().length + 1;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        if (failure != null) {
            buffer.put((byte) '\n');
        }
        for (Pending p : batch) {
            buffer.put(p.line()).put((byte) '\n');
        }
        buffer.flip();
        synchronized (segmentLock) {
            long at = position;
            try {
                while (buffer.hasRemaining()) {
                    at += channel.write(buffer, at);
                }
                channel.force(false);
                failure = null;
            } catch (IOException e) {
                failure = e;
                LOG.error("journal write failed", e);
                batch.forEach(p -> p.done().completeExceptionally(e));
                return;
            } finally {
                // never write over bytes that may have reached the file: later batches go after them,
                // so a replay applies them (never acknowledged) before anything acknowledged later
                position = at;
            }
            List<Object> payloads = new ArrayList<>(batch.size());
            batch.forEach(p -> payloads.add(p.payload()));
            onDurable.accept(payloads);
        }
        batch.forEach(p -> p.done().complete(null));
    }

    boolean hasFailed() {
        return failure != null;
    }

    /** Did the last try to make the next segment fail? */
    boolean nextSegmentFailed() {
        return prepareProblem != null;
    }

    String nextSegmentProblem() {
        return prepareProblem;
    }

    /**
     * After a failed batch, tries the disk again by writing the newline the next batch would start
     * with, and syncing it; returns why it still fails, or null (also when nothing had failed).
     * Replay skips blank lines, so this changes nothing but the journal's health.
     */
    String heal() {
        if (failure == null) {
            return null;
        }
        synchronized (segmentLock) {
            if (failure == null) {
                return null;
            }
            try {
                long at = position;
                ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
                while (newline.hasRemaining()) {
                    at += channel.write(newline, at);
                }
                channel.force(false);
                position = at;
                failure = null;
                LOG.info("the journal can be written again");
                return null;
            } catch (IOException e) {
                failure = e;
                return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            }
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            flusher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (segmentLock) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing journal segment failed", e);
            }
        }
    }
}
