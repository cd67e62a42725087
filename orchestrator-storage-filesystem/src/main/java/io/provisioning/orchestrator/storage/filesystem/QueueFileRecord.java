package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.task.Task;
import java.time.Instant;

/** Content of {@code queue.rkvs/queue/<uuid>.json}: the task's place in the queue. */
record QueueFileRecord(String taskId, int priority, long sequence, Instant enqueuedAt, Instant notBefore) {
    static QueueFileRecord of(Task task) {
        return new QueueFileRecord(task.id(), task.priority(), task.sequence(), task.updatedAt(), task.nextAttemptAt());
    }
}
