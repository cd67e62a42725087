package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.queue.TaskQueue;
import io.provisioning.orchestrator.task.Task;
import java.util.List;

/** Tells watchers of a stored change and queues what it set free: dependents of a finished task, tasks a limit held. */
final class AnnounceChange {
    private final TaskEventBus events;
    private final TaskQueue queue;
    private final DependencyGate dependencies;

    AnnounceChange(TaskEventBus events, TaskQueue queue, DependencyGate dependencies) {
        this.events = events;
        this.queue = queue;
        this.dependencies = dependencies;
    }

    /** The change is stored: its event, then (for a terminal state) its dependents go back to the queue. */
    void stored(Task task) {
        events.publish(new TaskEvent.Changed(task));
        if (task.status().isTerminal()) {
            queueAll(dependencies.release(task.id()));
        }
    }

    /** An event only: nothing is set free by it. */
    void changed(Task task) {
        events.publish(new TaskEvent.Changed(task));
    }

    void queueAll(List<Task> released) {
        for (Task task : released) {
            queue.add(QueueEntries.of(task));
        }
    }

    void queue(Task task) {
        queue.add(QueueEntries.of(task));
    }
}
