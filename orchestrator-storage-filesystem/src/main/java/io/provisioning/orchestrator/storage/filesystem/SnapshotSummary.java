package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.task.TaskStatus;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an open needs of a snapshot, written beside it ({@code snapshot-N.meta.json}) so that an
 * open reads this instead of every entry: where the blocks start, the counts per status and
 * priority, the unfinished tasks' ids, the highest sequence. {@code keys} (the keys tasks carry) is
 * only read, from summaries written before {@code task-keys/} existed; new ones leave it empty.
 */
record SnapshotSummary(long[] firstSequence, long[] offset, int blocks, long entries,
        Map<TaskStatus, Map<Integer, Long>> counts, List<String> unfinished, Map<String, String> keys,
        long maxSequence) {

    /** Collects the summary of the live entries a compaction writes, in order. */
    static final class Collector {
        final Map<TaskStatus, Map<Integer, Long>> counts = new EnumMap<>(TaskStatus.class);
        final List<String> unfinished = new ArrayList<>();
        final Map<String, String> keys = new HashMap<>();
        long maxSequence;

        void add(IndexEntry entry) {
            maxSequence = Math.max(maxSequence, entry.sequence());
            if (entry.isDeleted()) {
                return;
            }
            counts.computeIfAbsent(entry.status(), s -> new HashMap<>()).merge(entry.priority(), 1L, Long::sum);
            if (!entry.status().isTerminal()) {
                unfinished.add(entry.id());
            }
        }
    }
}
