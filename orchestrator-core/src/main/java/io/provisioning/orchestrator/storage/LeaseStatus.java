package io.provisioning.orchestrator.storage;

import java.time.Duration;
import java.time.Instant;

/**
 * How this node's leases stand on a shared store: {@code renewedAt} is when the last renewal that
 * succeeded was <em>sent</em> (the store set each lease to its own now plus {@code lease}, and its
 * now was no earlier than that), so every lease this node holds lasts until at least
 * {@code renewedAt + lease}, whatever the store's clock says.
 */
public record LeaseStatus(Instant renewedAt, Duration lease) {}
