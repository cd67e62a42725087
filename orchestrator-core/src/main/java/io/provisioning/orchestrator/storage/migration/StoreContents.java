package io.provisioning.orchestrator.storage.migration;

import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/** What a store holds, as content hashes: every task's, the queue, and one digest over both. */
public record StoreContents(Map<String, String> hashes, Set<String> queued) {

    /**
     * Reads the whole store in batches, hashing them on a few threads ({@link ParallelHashing})
     * while the next batch is read; {@code read} hears how many tasks have been hashed so far.
     */
    public static StoreContents read(TaskStorage storage, int batchSize, LongConsumer read) {
        Map<String, String> hashes = new ConcurrentHashMap<>();
        try (ParallelHashing hashing = new ParallelHashing(hashes, ParallelHashing.defaultThreads(), read)) {
            long after = Long.MIN_VALUE;
            for (List<Task> batch = storage.scan(after, batchSize); !batch.isEmpty(); batch = storage.scan(after, batchSize)) {
                hashing.add(batch);
                after = batch.get(batch.size() - 1).sequence();
            }
            hashing.finish();
        }
        return new StoreContents(hashes, new HashSet<>(storage.queuedTaskIds()));
    }

    /**
     * What {@link #read} would answer for {@code storage}, checked against {@code expected} (task id →
     * content hash, e.g. the source's): when the store hashes where it stores
     * ({@link StoredContentHashes}), every task whose stored hash equals the expected one counts with
     * that hash (its stored JSON is byte for byte the expected task's canonical JSON), and only the
     * others are read and hashed as {@link #read} does. Any other store is read whole.
     */
    public static StoreContents readAgainst(TaskStorage storage, Map<String, String> expected, int batchSize,
            LongConsumer read) {
        if (!(storage instanceof StoredContentHashes stored)) {
            return read(storage, batchSize, read);
        }
        Map<String, String> hashes = new HashMap<>();
        List<String> recheck = new ArrayList<>();
        stored.forEachStoredHash((id, hash) -> {
            if (hash.equals(expected.get(id))) {
                hashes.put(id, hash);
            } else {
                recheck.add(id);
            }
            if ((hashes.size() + recheck.size()) % batchSize == 0) {
                read.accept(hashes.size() + recheck.size());
            }
        });
        for (String id : recheck) {
            // not the expected bytes: hash the task as read parses it (missing if it went meanwhile)
            storage.find(id).ifPresent(task -> hashes.put(id, ContentDigest.of(task)));
        }
        read.accept(hashes.size());
        return new StoreContents(hashes, new HashSet<>(storage.queuedTaskIds()));
    }

    public long count() {
        return hashes.size();
    }

    public String digest() {
        return ContentDigest.ofStore(hashes, queued);
    }

    /** What differs, worst first, at most {@code max} lines; empty if the contents are the same. */
    public List<String> differencesFrom(StoreContents source, int max) {
        List<String> problems = new ArrayList<>();
        if (count() != source.count()) {
            problems.add("the target holds " + count() + " tasks, the source " + source.count());
        }
        for (Map.Entry<String, String> entry : source.hashes.entrySet()) {
            if (problems.size() >= max) {
                return problems;
            }
            String here = hashes.get(entry.getKey());
            if (here == null) {
                problems.add("task " + entry.getKey() + " is missing from the target");
            } else if (!here.equals(entry.getValue())) {
                problems.add("task " + entry.getKey() + " differs (content hash " + here.substring(0, 12) + " in the target, "
                        + entry.getValue().substring(0, 12) + " in the source)");
            }
        }
        for (String id : hashes.keySet()) {
            if (problems.size() >= max) {
                return problems;
            }
            if (!source.hashes.containsKey(id)) {
                problems.add("task " + id + " is in the target but not in the source");
            }
        }
        if (!queued.equals(source.queued) && problems.size() < max) {
            problems.add("the queue differs: " + queued.size() + " entries in the target, " + source.queued.size()
                    + " in the source");
        }
        return problems;
    }
}
