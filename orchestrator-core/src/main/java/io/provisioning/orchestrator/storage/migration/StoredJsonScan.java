package io.provisioning.orchestrator.storage.migration;

import java.util.List;

/**
 * A store that keeps each task as JSON text and can hand out those bytes unparsed, for
 * {@link OfflineMigration}: the reading thread then only fetches, and the writers parse each task
 * ({@link CanonicalTask#parse}) beside serializing, hashing and writing it. The same tasks as
 * {@link io.provisioning.orchestrator.storage.TaskStorage#scan}, in the same order.
 */
public interface StoredJsonScan {
    /** One page: the stored JSON of up to {@code limit} tasks after {@code afterSequence}, ascending, and the last one's sequence. */
    record Page(List<byte[]> json, long lastSequence) {}

    Page scanStoredJson(long afterSequence, int limit);
}
