package io.provisioning.orchestrator.storage.migration;

import java.util.function.BiConsumer;

/**
 * A store that can hash its tasks where it keeps them: the SHA-256 (hex) of each task's stored
 * JSON text as UTF-8, which is {@link ContentDigest#of} of that task whenever the task was stored
 * in the product's canonical JSON (as every import writes it). Verification then compares hashes
 * instead of carrying every task back and parsing it; a hash that does not match is checked again
 * the slow way ({@link StoreContents#readAgainst}), so the answer is the same as a full read's.
 */
public interface StoredContentHashes {
    /** Hands every stored task's id and stored-JSON hash to {@code idAndHash}, in no particular order. */
    void forEachStoredHash(BiConsumer<String, String> idAndHash);
}
