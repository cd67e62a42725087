package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.queue.QueueEntry;
import io.provisioning.orchestrator.task.Task;

/** A task's place in the queue: its priority, its sequence, and not before its next attempt is due. */
final class QueueEntries {
    private QueueEntries() {}

    static QueueEntry of(Task task) {
        return new QueueEntry(task.id(), task.priority(), task.sequence(), task.nextAttemptAt());
    }
}
