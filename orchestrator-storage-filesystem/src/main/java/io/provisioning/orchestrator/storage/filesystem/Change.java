package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.task.Task;

/** One durable change: a task's new state and what happens to its queue entry. */
record Change(Task task, QueueOp queue) {
    enum QueueOp { KEEP, ADD, REMOVE }
}
