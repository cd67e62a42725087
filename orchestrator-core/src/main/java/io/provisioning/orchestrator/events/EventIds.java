package io.provisioning.orchestrator.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids of the all-tasks stream ({@code GET /events}): microseconds since the epoch, never less
 * than the last id plus one, so they rise across restarts and nodes sharing a database number
 * their events on the same scale without talking to each other. The highest id written is kept
 * in a small file ({@code events.seq}) and a restarted node counts on from it, so a clock set back
 * cannot make ids go down. Not thread-safe: the event store calls {@link #next} under its lock.
 */
final class EventIds {
    private static final Logger LOG = LoggerFactory.getLogger(EventIds.class);
    private final Clock clock;
    private final Path file;
    private long last;
    private long persisted;

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
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, Long.toString(upTo) + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            persisted = upTo;
        } catch (IOException e) {
            LOG.warn("cannot record the last event id in {}: {}", file, e.getMessage());
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
