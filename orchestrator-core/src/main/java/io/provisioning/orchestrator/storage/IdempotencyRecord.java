package io.provisioning.orchestrator.storage;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an {@code Idempotency-Key} stands for: the hash of the request that first used it and the
 * answer that request got, its task ids by name in answer order ({@code {"task": id}} for one
 * workflow or a cluster, {@code {ref: id}} for a batch). Stored with the submission's tasks in one
 * atomic write ({@link TaskStorage#saveSubmission}); the key is unique in the store.
 */
public record IdempotencyRecord(String key, String requestHash, Map<String, String> taskIds, Instant createdAt) {
    public IdempotencyRecord {
        taskIds = taskIds == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(taskIds));
    }
}
