package io.provisioning.orchestrator.storage.migration;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The idempotency records of a store, moved with its tasks: without them a request retried with a
 * key used before the migration would make a second submission. Copied in key order, in batches,
 * and compared by the content hash of each record.
 */
final class IdempotencyRecordCopy {
    private IdempotencyRecordCopy() {}

    /** True when the store holds no record (a migration target must not). */
    static boolean isEmpty(TaskStorage storage) {
        return storage.scanIdempotencyRecords("", 1).isEmpty();
    }

    /**
     * Copies every record of {@code source} to {@code target}; each batch's read and write runs
     * through {@code inBatch} (an online migration pauses writes meanwhile). Returns how many.
     */
    static long copy(TaskStorage source, TaskStorage target, int batchSize, Function<Supplier<List<IdempotencyRecord>>,
            List<IdempotencyRecord>> inBatch) {
        String after = "";
        long copied = 0;
        while (true) {
            String from = after;
            List<IdempotencyRecord> batch = inBatch.apply(() -> {
                List<IdempotencyRecord> records = source.scanIdempotencyRecords(from, batchSize);
                target.importIdempotencyRecords(records);
                return records;
            });
            if (batch.isEmpty()) {
                return copied;
            }
            copied += batch.size();
            after = batch.get(batch.size() - 1).key();
        }
    }

    /** Key → content hash of every record in the store. */
    static Map<String, String> hashes(TaskStorage storage, int batchSize) {
        Map<String, String> hashes = new HashMap<>();
        String after = "";
        for (List<IdempotencyRecord> batch = storage.scanIdempotencyRecords(after, batchSize); !batch.isEmpty();
                batch = storage.scanIdempotencyRecords(after, batchSize)) {
            for (IdempotencyRecord record : batch) {
                hashes.put(record.key(), ContentDigest.of(record));
            }
            after = batch.get(batch.size() - 1).key();
        }
        return hashes;
    }

    /** What differs between the records of source and target, at most {@code max} lines; empty if nothing. */
    static List<String> differences(Map<String, String> source, Map<String, String> target, int max) {
        List<String> problems = new ArrayList<>();
        if (source.size() != target.size()) {
            problems.add("the target holds " + target.size() + " idempotency keys, the source " + source.size());
        }
        for (Map.Entry<String, String> entry : source.entrySet()) {
            if (problems.size() >= max) {
                return problems;
            }
            String here = target.get(entry.getKey());
            if (here == null) {
                problems.add("idempotency key " + entry.getKey() + " is missing from the target");
            } else if (!here.equals(entry.getValue())) {
                problems.add("idempotency key " + entry.getKey() + " differs in the target");
            }
        }
        for (String key : target.keySet()) {
            if (problems.size() >= max) {
                return problems;
            }
            if (!source.containsKey(key)) {
                problems.add("idempotency key " + key + " is in the target but not in the source");
            }
        }
        return problems;
    }
}
