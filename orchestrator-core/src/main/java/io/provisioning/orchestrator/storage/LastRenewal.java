package io.provisioning.orchestrator.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When a shared store's backend last renewed this node's leases, for {@link TaskStorage#leaseStatus()}.
 * A renewal takes its time with {@link #sending()} before the request goes out and hands it to
 * {@link #succeeded} once the store answered; a failed one changes nothing. Opening the store counts
 * as a renewal: nothing runs here yet, and the first claim sets a lease of its own.
 */
public final class LastRenewal {
    private final Clock clock;
    private final Duration lease;
    private final AtomicReference<Instant> renewedAt;

    public LastRenewal(Clock clock, Duration lease) {
        this.clock = clock;
        this.lease = lease;
        this.renewedAt = new AtomicReference<>(clock.instant());
    }

    /** The time to hand to {@link #succeeded} if the renewal about to be sent succeeds. */
    public Instant sending() {
        return clock.instant();
    }

    public void succeeded(Instant sentAt) {
        renewedAt.accumulateAndGet(sentAt, (a, b) -> a.isAfter(b) ? a : b);
    }

    public LeaseStatus status() {
        return new LeaseStatus(renewedAt.get(), lease);
    }
}
