package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, nothing can be running yet: a task stored as Running was left by a process that died.
 * It goes back to the queue, its interrupted attempt counted; with no attempts left it fails.
 * Pending tasks whose queue entry was lost get it back.
 */
final class RecoverInterruptedTasks implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RecoverInterruptedTasks.class);
    private final TaskStorage storage;
    private final Clock clock;
    private final TaskEventBus events;

    RecoverInterruptedTasks(TaskStorage storage, Clock clock, TaskEventBus events) {
        this.storage = storage;
        this.clock = clock;
        this.events = events;
    }

    @Override
    public void run() {
        Set<String> queued = new HashSet<>(storage.queuedTaskIds());
        int requeued = 0;
        int failed = 0;
        for (Task task : storage.findUnfinished()) {
            if (task.status() == TaskStatus.Running) {
                String reason = "attempt " + task.attempts() + " was interrupted: the orchestrator stopped while it ran";
                Task next = task.hasAttemptsLeft()
                        ? task.requeueAfterInterruption(clock.instant(), reason)
                        : task.fail(clock.instant(), null, task.output(), reason + "; no attempts left");
                if (next.status() == TaskStatus.Pending) {
                    storage.saveAndEnqueue(next);
                    requeued++;
                } else {
                    storage.saveAndDequeue(next);
                    failed++;
                }
                events.publish(new TaskEvent.Changed(next));
            } else if (!queued.contains(task.id())) {
                storage.saveAndEnqueue(task);
            }
        }
        if (requeued + failed > 0) {
            LOG.warn("recovered {} interrupted tasks: {} re-queued, {} failed with no attempts left",
                    requeued + failed, requeued, failed);
        }
    }
}
