package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The idempotency key records, without every key in memory: a record stays in memory from the
 * moment its journal line is durable until the checkpointer has written its file
 * ({@link #unwritten}), then in a small cache of the most recently used ({@link #cache}); any
 * other is read from {@code idempotency/<sha256>.json}. Moving a record from the first to the
 * second happens after its file is written, so a reader that misses both finds the file.
 * Scans page in hash order through the {@link KeyList}.
 */
final class KeyRecords implements AutoCloseable {
    static final int CACHE = 4096;

    private final FilesystemLayout layout;
    private final Map<String, IdempotencyRecord> unwritten = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, IdempotencyRecord> cache;
    private KeyList list;

    KeyRecords(FilesystemLayout layout, int cacheSize) {
        this.layout = layout;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, IdempotencyRecord> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /** Opens the sorted key list (built once from the record files for a store that has none). */
    void open() throws IOException {
        list = new KeyList(layout.keyList(), layout.idempotency());
    }

    /** A record made durable by the journal: it wins over the cache and the file until it is written. */
    void apply(IdempotencyRecord record) {
        unwritten.put(record.key(), record);
        synchronized (cache) {
            cache.remove(record.key());
        }
    }

    /** Before the checkpointer writes record files: their hashes go to the key list (synced with the files). */
    void listing(List<IdempotencyRecord> records) throws IOException {
        List<String> hashes = new ArrayList<>(records.size());
        records.forEach(r -> hashes.add(IdempotencyFiles.hashOf(r.key())));
        list.add(hashes);
    }

    java.nio.file.Path listFile() {
        return list.logFile();
    }

    /** The checkpointer wrote {@code record}'s file: memory keeps it only in the cache. */
    void written(IdempotencyRecord record) {
        synchronized (cache) {
            if (unwritten.remove(record.key(), record)) {
                cache.put(record.key(), record);
            }
        }
    }

    Optional<IdempotencyRecord> find(String key) {
        IdempotencyRecord record = unwritten.get(key);
        if (record != null) {
            return Optional.of(record);
        }
        synchronized (cache) {
            record = cache.get(key);
        }
        if (record != null) {
            return Optional.of(record);
        }
        return IdempotencyFiles.read(layout, IdempotencyFiles.hashOf(key));
    }

    /** Up to {@code limit} records whose key's hash is above {@code afterKey}'s ({@code ""}: from the first), in that order. */
    List<IdempotencyRecord> scan(String afterKey, int limit) {
        String after = afterKey.isEmpty() ? "" : IdempotencyFiles.hashOf(afterKey);
        java.util.TreeMap<String, IdempotencyRecord> inMemory = new java.util.TreeMap<>();
        unwritten.values().forEach(r -> inMemory.put(IdempotencyFiles.hashOf(r.key()), r));
        List<String> hashes;
        try {
            hashes = list.after(after, limit);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new StorageException("cannot read the key list: " + e.getMessage(), e);
        }
        java.util.TreeSet<String> page = new java.util.TreeSet<>(hashes);
        page.addAll(inMemory.tailMap(after, false).keySet());
        List<IdempotencyRecord> records = new ArrayList<>(Math.min(limit, page.size()));
        for (String hash : page) {
            if (records.size() >= limit) {
                break;
            }
            IdempotencyRecord record = inMemory.get(hash);
            Optional<IdempotencyRecord> stored = record != null ? Optional.of(record) : IdempotencyFiles.read(layout, hash);
            if (stored.isEmpty()) {
                // listed before its file was written: it is still in memory
                stored = unwritten.values().stream().filter(r -> IdempotencyFiles.hashOf(r.key()).equals(hash)).findFirst();
            }
            stored.ifPresent(records::add);
        }
        return records;
    }

    void compactIfDue(int at) throws IOException {
        list.compactIfDue(at);
    }

    /** Records held in memory: not yet written, cached, and hashes listed since the last compaction (tests). */
    int inMemory() {
        synchronized (cache) {
            return unwritten.size() + cache.size() + (list == null ? 0 : list.inMemory());
        }
    }

    @Override
    public void close() {
        if (list != null) {
            list.close();
        }
    }
}
