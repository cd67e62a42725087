package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.task.Task;

/** One journal line: the task's whole new state, and the queue operation that goes with it. */
record JournalRecord(Task task, Change.QueueOp queue) {
    Change toChange() {
        return new Change(task, queue);
    }
}
