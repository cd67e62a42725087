package io.provisioning.orchestrator.events;

import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import java.time.Instant;

/** Something a watcher of tasks may want to see: a new state of a task, its progress, a log line, or its deletion. */
public sealed interface TaskEvent {
    String taskId();

    /** The task after a change of status (or of anything but its progress). */
    record Changed(Task task) implements TaskEvent {
        public String taskId() {
            return task.id();
        }
    }

    /** The running attempt's progress, as stored at {@code updatedAt} (without the rest of the task). */
    record Progressed(String taskId, int attempt, Progress progress, Instant updatedAt) implements TaskEvent {}

    /** The finished task was deleted (by request or by the retention); {@code task} is its last state. */
    record Deleted(Task task) implements TaskEvent {
        public String taskId() {
            return task.id();
        }
    }

    /** One line the script wrote; {@code stream} is stdout or stderr. */
    record LogLine(String taskId, int attempt, String stream, String line) implements TaskEvent {}
}
