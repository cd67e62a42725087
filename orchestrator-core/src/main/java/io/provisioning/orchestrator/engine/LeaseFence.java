package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.storage.LeaseStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * When this node must stop running what it holds on a shared store, as Temporal's heartbeat timeout
 * and a Kubernetes node that lost its API server do. Every lease this node holds lasts until at
 * least the last successful renewal's sending time plus the lease ({@link LeaseStatus}); other
 * nodes take a task over only after that, by the store's clock, and then only at their next sweep.
 * Fencing at half the lease leaves the other half for this node's check interval, the KILL and the
 * proof that the tree is gone, and for clocks that run apart or a JVM that paused, before another
 * node can start a second attempt. A renewal that succeeds again ends the fence.
 */
final class LeaseFence {
    /** The part of the lease after which a node that could not renew fences itself. */
    static final double FENCE_AT = 0.5;

    private LeaseFence() {}

    /** How long without a successful renewal this node may go on running its attempts. */
    static Duration fenceAfter(Duration lease) {
        return Duration.ofMillis((long) (lease.toMillis() * FENCE_AT));
    }

    /** True when the attempts held here must end now: no renewal has succeeded for {@link #fenceAfter}. */
    static boolean mustFence(Instant now, LeaseStatus status) {
        return !now.isBefore(status.renewedAt().plus(fenceAfter(status.lease())));
    }

    /** How often the engine looks: often enough that the fence is never late by more than a small part of the lease. */
    static Duration checkEvery(Duration lease) {
        long millis = Math.max(20, Math.min(250, lease.toMillis() / 20));
        return Duration.ofMillis(millis);
    }
}
