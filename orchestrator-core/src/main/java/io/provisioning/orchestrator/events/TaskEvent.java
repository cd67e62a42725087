package io.provisioning.orchestrator.events;

import io.provisioning.orchestrator.task.Task;

/** Something a watcher of tasks may want to see: a new state of a task, or a log line. */
public sealed interface TaskEvent {
    String taskId();

    /** The task after a change of status or progress. */
    record Changed(Task task) implements TaskEvent {
        public String taskId() {
            return task.id();
        }
    }

    /** One line the script wrote; {@code stream} is stdout or stderr. */
    record LogLine(String taskId, int attempt, String stream, String line) implements TaskEvent {}
}
