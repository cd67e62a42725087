package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.task.Task;

/**
 * One durable change: a task's new state and what happens to its queue entry; {@code json} is the
 * task's canonical JSON when the change was made from it (an import, {@code importCanonical}), so
 * that the task file is written from those bytes instead of serializing the task again, else null.
 */
record Change(Task task, QueueOp queue, byte[] json) {
    enum QueueOp { KEEP, ADD, REMOVE }

    Change(Task task, QueueOp queue) {
        this(task, queue, null);
    }
}
