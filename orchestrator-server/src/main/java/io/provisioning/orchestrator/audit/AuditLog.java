package io.provisioning.orchestrator.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import io.provisioning.orchestrator.durability.DurabilityReport;
import java.time.Clock;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only, hash-chained audit log: JSON lines in {@code audit.log}, rotated by size into
 * {@code audit-<n>.log} without breaking the chain (the new file's first entry names the last hash
 * of the old one). One writer thread ({@code audit-writer}) numbers, hashes and writes entries: it
 * takes every entry waiting in its bounded queue and writes them with one write, so requests do not
 * queue on a lock for the hash chain. {@link #append} returns once its entry is written (a crash of
 * the process then loses nothing of it); {@link #appendLater} (the engine's task status entries)
 * returns once it is queued, in order after what was queued before. Readers first wait for the
 * writer to catch up. The file is fsynced about once a second and on close. At open, the chain is continued from the last entry on
 * disk; an unterminated last line (a write torn by a machine crash) is cut off with a warning.
 *
 * <p>A full disk: a write that fails is cut back off the file at once (and before the next write if
 * that cut failed too), so part of an entry never stays in the chain to be read as tampering later.
 * An entry that does not fit takes the space of the {@link AuditReserve}; one that still cannot be
 * written is counted, and the count written as one {@code audit.gap} entry once the log heals.
 * The log checks itself about once a second (free space, the reserve, the gap): while it cannot be
 * written it says so in the {@link DurabilityReport}, and {@link #checkWritable()} refuses mutating
 * requests unless the settings chose to fail open.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private final Path dir;
    private final long maxFileBytes;
    private final Clock clock;
    /** Readers take it shared, rotation exclusively, so a reader never sees a file renamed under it. */
    private final ReadWriteLock files = new ReentrantReadWriteLock();
    /** Serializes appends, rotation and syncs; a lock rather than a monitor, so virtual threads doing I/O under it do not pin. */
    private final ReentrantLock writing = new ReentrantLock();
    private final ScheduledExecutorService syncer;
    private FileChannel channel;
    private long size;
    private long lastSeq;
    private String lastHash;
    private boolean dirty;
    private final boolean failOpen;
    private final DurabilityReport report;
    private final AuditReserve reserve;
    private final AuditGap gap = new AuditGap();
    private volatile boolean reserveHeld;
    /** Entries (and barriers: a null record) waiting for the writer thread; bounded, a full queue makes callers wait. */
    private final ArrayBlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    static final int QUEUE_CAPACITY = 4096;
    private final Thread writer;
    private volatile boolean accepting = true;
    /** Only used under {@link #writing}. */
    private final MessageDigest sha256 = AuditHashing.sha256();

    /** An entry for the writer thread; {@code done} is null when nobody waits for it, {@code record} null for a barrier. */
    private record Pending(AuditRecord record, CompletableFuture<AuditEntry> done) {}
    /** Why the log cannot take entries now; null when it can. */
    private volatile String problem;
    /** Where the current file must be cut back to before the next write (a failed write left part of an entry), or -1. */
    private long repairTo = -1;

    private AuditLog(Path dir, long maxFileBytes, Clock clock, boolean failOpen, DurabilityReport report) {
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.clock = clock;
        this.failOpen = failOpen;
        this.report = report;
        this.reserve = new AuditReserve(dir);
        this.syncer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("audit-sync").unstarted(r));
        this.writer = Thread.ofPlatform().daemon().name("audit-writer").unstarted(this::writeLoop);
    }

    public static AuditLog open(AuditSettings settings, Clock clock) {
        return open(settings, clock, new DurabilityReport(clock));
    }

    /** Opens the log; whether it can be written is kept up to date in {@code report} (part {@code audit log}). */
    public static AuditLog open(AuditSettings settings, Clock clock, DurabilityReport report) {
        AuditLog log = new AuditLog(settings.dir(), settings.maxFileBytes(), clock, settings.failOpen(), report);
        try {
            Files.createDirectories(settings.dir());
            log.continueChain();
            log.openCurrent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log in " + settings.dir(), e);
        }
        log.heal();
        log.writer.start();
        log.syncer.scheduleWithFixedDelay(() -> {
            log.sync();
            log.heal();
        }, 1, 1, TimeUnit.SECONDS);
        return log;
    }

    /** Does a failure to write refuse requests ({@code false}, the default) or only leave a gap? */
    public boolean failsOpen() {
        return failOpen;
    }

    /** Why the log cannot take entries now, or null when it can. */
    public String problem() {
        return problem;
    }

    /**
     * Before a request that may change something: throws {@link AuditUnavailableException} (503)
     * when its entry could not be written, so that the request changes nothing. Fails open (never
     * throws) when the settings say so.
     */
    public void checkWritable() {
        if (problem == null && reserveHeld && reserve.freeBytes() >= AuditReserve.MARGIN_BYTES) {
            return; // the common case, without the writer's lock: heal() would find nothing to do
        }
        String now = heal();
        if (now != null && !failOpen) {
            throw new AuditUnavailableException("the audit log cannot be written (" + now + "), so this request was"
                    + " refused and changed nothing; try again once there is space (the log checks every second),"
                    + " or start the server with --audit-fail-open to go on and record the gap");
        }
    }

    /**
     * Checks the disk and, once it has room again, takes the reserve back, cuts off any half-written
     * entry and writes the gap entry; returns the problem that remains, or null.
     */
    String heal() {
        writing.lock();
        try {
            long free = reserve.freeBytes();
            if (problem == null) {
                if (free < AuditReserve.MARGIN_BYTES) {
                    failing("its disk has only " + free + " bytes free");
                } else if (!reserveHeld) {
                    takeReserve();
                }
                return problem;
            }
            if (free < AuditReserve.MARGIN_BYTES + (reserveHeld ? 0 : AuditReserve.BYTES)) {
                return problem;
            }
            try {
                reserve.take();
                reserveHeld = true;
                repairIfNeeded();
                if (gap.count() > 0) {
                    AuditEntry entry = appendLocked(gap.record());
                    LOG.warn("audit log: {} (seq {})", entry.record().detail(), entry.seq());
                    gap.clear();
                }
                problem = null;
                report.recovered(DurabilityReport.AUDIT_LOG);
                LOG.info("the audit log can be written again");
            } catch (IOException e) {
                failing(reasonOf(e));
            }
            return problem;
        } finally {
            writing.unlock();
        }
    }

    private void takeReserve() {
        try {
            reserve.take();
            reserveHeld = true;
        } catch (IOException e) {
            failing("cannot keep " + AuditReserve.BYTES + " bytes in reserve: " + reasonOf(e));
        }
    }

    private void failing(String reason) {
        if (problem == null) {
            LOG.error("the audit log in {} cannot be written: {}{}", dir, reason, failOpen
                    ? "; going on (--audit-fail-open), the missing entries will be recorded as a gap"
                    : "; mutating requests are refused until it can");
        }
        problem = reason;
        report.failed(DurabilityReport.AUDIT_LOG, reason);
    }

    private static String reasonOf(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    public Path dir() {
        return dir;
    }

    /**
     * Numbers, chains and writes one entry; returns it as written (once the writer thread has written
     * it). Throws {@link AuditUnavailableException} when it cannot be written even into the reserve;
     * it is then counted in the gap.
     */
    public AuditEntry append(AuditRecord record) {
        CompletableFuture<AuditEntry> done = new CompletableFuture<>();
        if (!enqueue(new Pending(record, done))) {
            return appendNow(record);
        }
        return await(done);
    }

    /**
     * Queues one entry for the writer thread and returns at once: it is written after every entry
     * queued before it. One that cannot be written is counted in the gap and logged.
     */
    public void appendLater(AuditRecord record) {
        if (!enqueue(new Pending(record, null))) {
            try {
                appendNow(record);
            } catch (AuditUnavailableException e) {
                LOG.error("cannot audit {} {}: {}", record.action(), record.target(), e.getMessage());
            }
        }
    }

    /** Waits until everything queued before this call is written. */
    private void awaitWriter() {
        CompletableFuture<AuditEntry> done = new CompletableFuture<>();
        if (enqueue(new Pending(null, done))) {
            await(done);
        }
    }

    /** False when the writer no longer takes entries (the log is closing): the caller writes itself. */
    private boolean enqueue(Pending pending) {
        if (!accepting || !writer.isAlive() || Thread.currentThread() == writer) {
            return false;
        }
        try {
            queue.put(pending);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private AuditEntry await(CompletableFuture<AuditEntry> done) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get(1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException slow) {
                    if (!writer.isAlive() && !done.isDone()) { // never wait for a writer that died
                        throw new AuditUnavailableException("the audit log's writer stopped; the entry was not written");
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // the entry is queued: its outcome is still wanted
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (accepting || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, QUEUE_CAPACITY);
                writeBatch(batch);
            } catch (InterruptedException e) {
                // close() ends the loop by clearing accepting
            } catch (RuntimeException e) {
                LOG.error("the audit writer failed; going on", e);
                for (Pending p : batch) {
                    if (p.done() != null) {
                        p.done().completeExceptionally(e);
                    }
                }
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Numbers, hashes and writes a batch with one write (one more per rotation). If that write fails,
     * nothing of it counts: it is cut back off the file, and the entries are written one by one
     * through {@link #appendNow}, which spends the reserve and counts the gap as for a single entry.
     */
    private void writeBatch(List<Pending> batch) {
        List<AuditEntry> written = new ArrayList<>(batch.size());
        writing.lock();
        try {
            int next = 0;
            try {
                repairIfNeeded();
                while (next < batch.size()) {
                    next = writeFrom(batch, next, written);
                }
            } catch (IOException failed) {
                for (int i = written.size(); i < batch.size(); i++) {
                    Pending p = batch.get(i);
                    if (p.record() == null) {
                        written.add(null);
                        continue;
                    }
                    try {
                        written.add(appendNow(p.record()));
                    } catch (AuditUnavailableException e) {
                        written.add(null);
                        if (p.done() != null) {
                            p.done().completeExceptionally(e);
                        } else {
                            LOG.error("cannot audit {} {}: {}", p.record().action(), p.record().target(), e.getMessage());
                        }
                    }
                }
            }
        } finally {
            writing.unlock();
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<AuditEntry> done = batch.get(i).done();
            if (done != null && !done.isDone()) {
                done.complete(i < written.size() ? written.get(i) : null);
            }
        }
    }

    /**
     * Writes the entries from {@code from} on in one write, up to one that needs a rotation first;
     * adds them to {@code written} (null for a barrier) and returns where it stopped. Under {@link #writing}.
     */
    private int writeFrom(List<Pending> batch, int from, List<AuditEntry> written) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(512 * (batch.size() - from));
        List<AuditEntry> sealed = new ArrayList<>();
        long seq = lastSeq;
        String prev = lastHash;
        int i = from;
        for (; i < batch.size(); i++) {
            AuditRecord record = batch.get(i).record();
            if (record == null) {
                sealed.add(null);
                continue;
            }
            AuditEntry unsealed = new AuditEntry(seq + 1, clock.instant(), record, prev, null);
            AuditHashing.Sealed seal = AuditHashing.seal(unsealed, sha256);
            if (size + bytes.size() > 0 && size + bytes.size() + seal.line().length > maxFileBytes) {
                if (bytes.size() == 0) {
                    rotate();
                } else {
                    break; // written below; this entry starts the next call, after the rotation
                }
            }
            bytes.writeBytes(seal.line());
            seq = unsealed.seq();
            prev = seal.hash();
            sealed.add(new AuditEntry(unsealed.seq(), unsealed.ts(), record, unsealed.prevHash(), seal.hash()));
        }
        if (bytes.size() > 0) {
            writeFully(bytes.toByteArray());
            dirty = true;
            lastSeq = seq;
            lastHash = prev;
        }
        written.addAll(sealed);
        return i;
    }

    /** Writes whole lines at the end of the file; on failure what part of them reached it is cut off. */
    private void writeFully(byte[] lines) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(lines);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            repairTo = size;
            try {
                repairIfNeeded();
            } catch (IOException cutFailed) {
                e.addSuppressed(cutFailed);
            }
            throw e;
        }
        size += lines.length;
    }

    /** One entry written by the caller's thread, under the lock: the reserve and the gap as described above. */
    private AuditEntry appendNow(AuditRecord record) {
        writing.lock();
        try {
            try {
                return appendLocked(record);
            } catch (IOException failed) {
                if (reserveHeld && reserve.release()) { // the room the reserve kept is for exactly this
                    reserveHeld = false;
                    try {
                        AuditEntry entry = appendLocked(record);
                        failing("its disk is full (" + reasonOf(failed) + "); seq " + entry.seq()
                                + " was written into the space kept in reserve");
                        return entry;
                    } catch (IOException again) {
                        failed = again;
                    }
                }
                gap.lost(clock.instant(), reasonOf(failed));
                failing(reasonOf(failed));
                throw new AuditUnavailableException("cannot write the audit log in " + dir + ": " + reasonOf(failed));
            }
        } finally {
            writing.unlock();
        }
    }

    /** Cuts off what a failed write left, and reopens the file if a failed rotation closed it. */
    private void repairIfNeeded() throws IOException {
        if (channel == null || !channel.isOpen()) {
            openCurrent();
        }
        if (repairTo >= 0) {
            channel.truncate(repairTo);
            channel.force(false);
            size = repairTo;
            repairTo = -1;
        }
    }

    private AuditEntry appendLocked(AuditRecord record) throws IOException {
        repairIfNeeded();
        AuditEntry unsealed = new AuditEntry(lastSeq + 1, clock.instant(), record, lastHash, null);
        AuditHashing.Sealed seal = AuditHashing.seal(unsealed, sha256);
        if (size > 0 && size + seal.line().length > maxFileBytes) {
            rotate();
        }
        writeFully(seal.line());
        dirty = true;
        lastSeq = unsealed.seq();
        lastHash = seal.hash();
        return new AuditEntry(unsealed.seq(), unsealed.ts(), record, unsealed.prevHash(), seal.hash());
    }

    public long lastSeq() {
        awaitWriter();
        writing.lock();
        try {
            return lastSeq;
        } finally {
            writing.unlock();
        }
    }

    /** {@code <seq>:<hash>} of the newest entry, read together: an anchor for {@code audit verify --anchor}. */
    public String head() {
        awaitWriter();
        writing.lock();
        try {
            return lastSeq + ":" + lastHash;
        } finally {
            writing.unlock();
        }
    }

    public String lastHash() {
        awaitWriter();
        writing.lock();
        try {
            return lastHash;
        } finally {
            writing.unlock();
        }
    }

    /** Matching entries, newest first. */
    public List<AuditEntry> query(AuditQuery query) {
        awaitWriter();
        files.readLock().lock();
        try {
            return new AuditReader(dir).query(query);
        } finally {
            files.readLock().unlock();
        }
    }

    /** Checks the whole chain as it is on disk now. */
    public AuditVerification verify() {
        awaitWriter();
        files.readLock().lock();
        try {
            return AuditChainVerifier.verify(dir, null);
        } finally {
            files.readLock().unlock();
        }
    }

    private void rotate() throws IOException {
        files.writeLock().lock();
        try {
            channel.force(false);
            channel.close();
            Path target = AuditFiles.nextRotated(dir);
            Files.move(dir.resolve(AuditFiles.CURRENT), target);
            LOG.info("audit log rotated to {} at seq {}", target.getFileName(), lastSeq);
            openCurrent();
        } finally {
            files.writeLock().unlock();
        }
    }

    private void openCurrent() throws IOException {
        channel = FileChannel.open(dir.resolve(AuditFiles.CURRENT), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        size = channel.size();
    }

    /** Finds the last entry on disk (cutting a torn last line) so the chain goes on from it. */
    private void continueChain() throws IOException {
        lastSeq = 0;
        lastHash = AuditHashing.GENESIS;
        List<Path> existing = AuditFiles.inOrder(dir);
        for (int i = existing.size() - 1; i >= 0; i--) {
            Path file = existing.get(i);
            cutTornTail(file);
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int j = lines.size() - 1; j >= 0; j--) {
                JsonNode last = parse(lines.get(j));
                if (last != null && last.path("seq").canConvertToLong() && last.path("hash").isTextual()) {
                    lastSeq = last.path("seq").asLong();
                    lastHash = last.path("hash").asText();
                    if (j != lines.size() - 1) {
                        LOG.warn("audit log {} ends with {} unreadable line(s); continuing after seq {}",
                                file, lines.size() - 1 - j, lastSeq);
                    }
                    return;
                }
            }
        }
    }

    private static void cutTornTail(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long length = ch.size();
            if (length == 0) {
                return;
            }
            long end = length;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                ch.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < length) {
                LOG.warn("audit log {} ended in an unfinished line of {} bytes (a torn write); cutting it off",
                        file, length - end);
                ch.truncate(end);
                ch.force(true);
            }
        }
    }

    static JsonNode parse(String line) {
        try {
            JsonNode node = AuditHashing.MAPPER.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void sync() {
        writing.lock();
        try {
            if (dirty && channel != null && channel.isOpen()) {
                channel.force(false);
                dirty = false;
            }
        } catch (IOException e) {
            LOG.warn("cannot sync the audit log: {}", reasonOf(e));
        } finally {
            writing.unlock();
        }
    }

    @Override
    public void close() {
        accepting = false; // the writer empties its queue, then stops; later appends write themselves
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            writeBatch(left);
        }
        // not shutdownNow: interrupting a sync in progress would close the channel (ClosedByInterruptException)
        // and the last entries would miss their final force below
        syncer.shutdown();
        try {
            if (!syncer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                syncer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writing.lock();
        try {
            if (channel != null && channel.isOpen()) {
                channel.force(false);
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("cannot close the audit log: {}", e.getMessage());
        } finally {
            writing.unlock();
        }
    }
}
