package io.provisioning.orchestrator.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids of the all-tasks stream ({@code GET /events}): microseconds since the epoch, never less
 * than the last id plus one, so they rise across restarts and nodes sharing a database number
 * their events on the same scale without talking to each other. The highest id written is kept
 * in a small file ({@code events.seq}) and a restarted node counts on from it, so a clock set back
 * cannot make ids go down. The file is written in place, the same 21 bytes at offset 0 each time
 * (the id, zero-padded to 20 digits, and a newline), through a channel kept open: no temporary
 * file renamed over it per batch, which on ext4 cost a fresh inode, an inode evicted and a forced
 * block allocation each time (half the event writer's CPU). As before it is not fsynced itself;
 * the event store's periodic {@code sync -f} takes it to disk with the logs. Not thread-safe: the
 * event store calls {@link #next} under its lock.
 */
final class EventIds {
    private static final Logger LOG = LoggerFactory.getLogger(EventIds.class);
    private final Clock clock;
    private final Path file;
    private long last;
    private long persisted;
    private FileChannel channel;

    EventIds(Clock clock, Path file) {
        this.clock = clock;
        this.file = file;
        this.last = read(file);
        this.persisted = last;
    }

    long next() {
        last = Math.max(last + 1, micros(clock.instant()));
        return last;
    }

    long last() {
        return last;
    }

    /** Records {@code upTo} as written (called by the writer thread after each batch). */
    synchronized void persist(long upTo) {
        if (upTo <= persisted) {
            return;
        }
        try {
            ByteBuffer text = ByteBuffer.wrap(String.format("%020d\n", upTo).getBytes(StandardCharsets.US_ASCII));
            if (channel == null) {
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                channel.truncate(text.limit()); // a longer file of another shape; every write after has this length
            }
            while (text.hasRemaining()) {
                channel.write(text, text.position());
            }
            persisted = upTo;
        } catch (IOException e) {
            LOG.warn("cannot record the last event id in {}: {}", file, e.getMessage());
            closeChannel(); // opened again on the next batch
        }
    }

    /** Closes the file (the writer thread, at the end). */
    synchronized void close() {
        closeChannel();
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", file, e.getMessage());
            }
            channel = null;
        }
    }

    private static long read(Path file) {
        try {
            return Files.exists(file) ? Math.max(0, Long.parseLong(Files.readString(file).trim())) : 0;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("unreadable {} ({}); event ids go on from the clock", file, e.getMessage());
            return 0;
        }
    }

    static long micros(Instant at) {
        return Math.multiplyExact(at.getEpochSecond(), 1_000_000L) + at.getNano() / 1_000;
    }
}
