package io.provisioning.orchestrator.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out task sequence numbers (FIFO order within a priority). One process counts on from the
 * highest stored number. Nodes sharing a store use microseconds since the epoch, never less than
 * the last number plus one: they need no coordination, keep FIFO across nodes as far as their
 * clocks agree, and the rare tie is caught by the store (a new number is taken then).
 */
final class SequenceNumbers {
    private final AtomicLong last = new AtomicLong();
    private final Clock clock;
    private final boolean timeBased;

    SequenceNumbers(Clock clock, boolean timeBased) {
        this.clock = clock;
        this.timeBased = timeBased;
    }

    void continueAfter(long highestStored) {
        last.accumulateAndGet(highestStored, Math::max);
    }

    long next() {
        if (!timeBased) {
            return last.incrementAndGet();
        }
        long now = micros(clock.instant());
        return last.updateAndGet(previous -> Math.max(previous + 1, now));
    }

    private static long micros(Instant at) {
        return Math.multiplyExact(at.getEpochSecond(), 1_000_000L) + at.getNano() / 1_000;
    }
}
