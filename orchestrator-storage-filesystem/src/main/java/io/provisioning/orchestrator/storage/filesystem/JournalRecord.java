package io.provisioning.orchestrator.storage.filesystem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.task.Task;
import java.util.List;

/**
 * One journal line, so one all-or-nothing change: a task's whole new state and the queue operation
 * that goes with it, or a whole submission (its tasks, each queued, and its idempotency record, if any).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JournalRecord(Task task, Change.QueueOp queue, List<Task> submission, IdempotencyRecord idempotency) {

    static JournalRecord of(Change change) {
        return new JournalRecord(change.task(), change.queue(), null, null);
    }

    static JournalRecord of(SubmissionChange change) {
        return new JournalRecord(null, null, change.tasks(), change.idempotency());
    }

    /** The change this line records: a {@link Change} or a {@link SubmissionChange}. */
    Object toChange() {
        return submission != null ? new SubmissionChange(submission, idempotency) : new Change(task, queue);
    }
}
