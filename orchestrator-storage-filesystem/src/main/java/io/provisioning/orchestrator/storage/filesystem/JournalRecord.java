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

    private static final byte[] TASK_PREFIX = "{\"task\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * The line {@code of(new Change(task, queue))} serializes to, made from the task's canonical JSON
     * as given ({@code {"task":<json>,"queue":"<op>"}}), without serializing the task again.
     */
    static byte[] importLine(byte[] taskJson, Change.QueueOp queue) {
        byte[] suffix = (",\"queue\":\"" + queue.name() + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] line = new byte[TASK_PREFIX.length + taskJson.length + suffix.length];
        System.arraycopy(TASK_PREFIX, 0, line, 0, TASK_PREFIX.length);
        System.arraycopy(taskJson, 0, line, TASK_PREFIX.length, taskJson.length);
        System.arraycopy(suffix, 0, line, TASK_PREFIX.length + taskJson.length, suffix.length);
        return line;
    }

    /** The change this line records: a {@link Change}, a {@link SubmissionChange} or a {@link DeleteChange}. */
    Object toChange() {
        if (deleted != null) {
            return new DeleteChange(deleted);
        }
        return submission != null ? new SubmissionChange(submission, idempotency) : new Change(task, queue);
    }
}
