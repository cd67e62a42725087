package io.provisioning.orchestrator.queue;

import java.time.Instant;

/** A task waiting to run: higher priority first, then lower sequence (FIFO), never before notBefore. */
public record QueueEntry(String taskId, int priority, long sequence, Instant notBefore) {}
