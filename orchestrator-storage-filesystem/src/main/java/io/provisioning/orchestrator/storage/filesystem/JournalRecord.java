package io.provisioning.orchestrator.storage.filesystem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.task.Task;
import java.util.List;

/**
 * One journal line, so one all-or-nothing change: a task's whole new state and the queue operation
 * that goes with it, a whole submission (its tasks, each queued, and its idempotency record, if any),
 * or the deletion of one task ({@code deleted}: its id).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JournalRecord(Task task, Change.QueueOp queue, List<Task> submission, IdempotencyRecord idempotency,
        String deleted) {

    static JournalRecord of(Change change) {
        return new JournalRecord(change.task(), change.queue(), null, null, null);
    }

    static JournalRecord of(SubmissionChange change) {
        return new JournalRecord(null, null, change.tasks(), change.idempotency(), null);
    }

    static JournalRecord of(DeleteChange change) {
        return new JournalRecord(null, null, null, null, change.taskId());
    }

    /** The change this line records: a {@link Change}, a {@link SubmissionChange} or a {@link DeleteChange}. */
    Object toChange() {
        if (deleted != null) {
            return new DeleteChange(deleted);
        }
        return submission != null ? new SubmissionChange(submission, idempotency) : new Change(task, queue);
    }
}
