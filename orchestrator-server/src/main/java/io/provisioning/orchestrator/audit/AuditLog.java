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
import java.time.Clock;
import java.util.List;
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
 * of the old one). Appends are written at once (a crash of the process loses nothing) and
 * fsynced about once a second and on close. At open, the chain is continued from the last entry on
 * disk; an unterminated last line (a write torn by a machine crash) is cut off with a warning.
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

    private AuditLog(Path dir, long maxFileBytes, Clock clock) {
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.clock = clock;
        this.syncer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("audit-sync").unstarted(r));
    }

    public static AuditLog open(AuditSettings settings, Clock clock) {
        AuditLog log = new AuditLog(settings.dir(), settings.maxFileBytes(), clock);
        try {
            Files.createDirectories(settings.dir());
            log.continueChain();
            log.openCurrent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log in " + settings.dir(), e);
        }
        log.syncer.scheduleWithFixedDelay(log::sync, 1, 1, TimeUnit.SECONDS);
        return log;
    }

    public Path dir() {
        return dir;
    }

    /** Numbers, chains and writes one entry; returns it as written. */
    public AuditEntry append(AuditRecord record) {
        writing.lock();
        try {
            return appendLocked(record);
        } finally {
            writing.unlock();
        }
    }

    private AuditEntry appendLocked(AuditRecord record) {
        AuditEntry unsealed = new AuditEntry(lastSeq + 1, clock.instant(), record, lastHash, null);
        ObjectNode json = unsealed.toJson();
        String hash = AuditHashing.hashOf(json);
        json.put("hash", hash);
        byte[] line = (new String(AuditHashing.canonical(json), StandardCharsets.UTF_8) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try {
            if (size > 0 && size + line.length > maxFileBytes) {
                rotate();
            }
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit log in " + dir, e);
        }
        size += line.length;
        dirty = true;
        lastSeq = unsealed.seq();
        lastHash = hash;
        return new AuditEntry(unsealed.seq(), unsealed.ts(), record, unsealed.prevHash(), hash);
    }

    public long lastSeq() {
        writing.lock();
        try {
            return lastSeq;
        } finally {
            writing.unlock();
        }
    }

    /** {@code <seq>:<hash>} of the newest entry, read together: an anchor for {@code audit verify --anchor}. */
    public String head() {
        writing.lock();
        try {
            return lastSeq + ":" + lastHash;
        } finally {
            writing.unlock();
        }
    }

    public String lastHash() {
        writing.lock();
        try {
            return lastHash;
        } finally {
            writing.unlock();
        }
    }

    /** Matching entries, newest first. */
    public List<AuditEntry> query(AuditQuery query) {
        files.readLock().lock();
        try {
            return new AuditReader(dir).query(query);
        } finally {
            files.readLock().unlock();
        }
    }

    /** Checks the whole chain as it is on disk now. */
    public AuditVerification verify() {
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
            LOG.warn("cannot sync the audit log: {}", e.getMessage());
        } finally {
            writing.unlock();
        }
    }

    @Override
    public void close() {
        syncer.shutdownNow();
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
