package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.task.Task;
import java.util.List;

/** One durable change that stores a whole submission: every task queued, and its key record (may be null). */
record SubmissionChange(List<Task> tasks, IdempotencyRecord idempotency) {
    List<Change> changes() {
        return tasks.stream().map(t -> new Change(t, Change.QueueOp.ADD)).toList();
    }
}
