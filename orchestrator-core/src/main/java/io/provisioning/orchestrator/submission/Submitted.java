package io.provisioning.orchestrator.submission;

import java.util.Map;

/**
 * The answer to a submission: its task ids by name, in answer order ({@value #TASK} for one
 * workflow or a cluster, the refs of a batch), and whether an idempotency key found them stored.
 */
public record Submitted(Map<String, String> taskIds, boolean replayed) {
    public static final String TASK = "task";

    /** The id of a one-workflow or cluster submission (the cluster task, which waits for the rest). */
    public String taskId() {
        return taskIds.get(TASK);
    }
}
