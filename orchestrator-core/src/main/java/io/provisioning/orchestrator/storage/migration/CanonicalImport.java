package io.provisioning.orchestrator.storage.migration;

import java.util.List;
import java.util.Set;

/**
 * A store that imports tasks from their canonical JSON bytes as given ({@link CanonicalTask}),
 * storing exactly those bytes instead of serializing each task again. Same meaning as
 * {@link io.provisioning.orchestrator.storage.TaskStorage#importBatch}: what is stored under the
 * ids is replaced, those in {@code queued} get a queue entry and the others lose theirs; durable
 * when this returns. Verification does not trust it: the target's stored content is read (or
 * hashed where stored, {@link StoredContentHashes}) and compared with the source's hashes.
 */
public interface CanonicalImport {
    void importCanonical(List<CanonicalTask> tasks, Set<String> queued);
}
