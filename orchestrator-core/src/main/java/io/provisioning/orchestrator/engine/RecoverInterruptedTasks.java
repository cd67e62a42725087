package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task stored as Running that no process runs (its process died: at start, this node's own
 * leftovers; on a shared store, also tasks of a node whose lease lapsed) goes back to the queue,
 * its interrupted attempt counted; with no attempts left it fails. At start, Pending tasks whose
 * queue entry was lost get it back.
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
        int requeued = 0;
        int failed = 0;
        for (Task orphan : storage.findOrphaned(true)) {
            Optional<Task> next = takeOver(orphan, "the orchestrator stopped while it ran");
            if (next.isPresent()) {
                if (next.get().status() == TaskStatus.Pending) {
                    requeued++;
                } else {
                    failed++;
                }
            }
        }
        Set<String> queued = new HashSet<>(storage.queuedTaskIds());
        for (Task task : storage.findUnfinished()) {
            if (task.status() == TaskStatus.Pending && !queued.contains(task.id())) {
                storage.compareAndSave(task, task, QueueChange.ADD);
            }
        }
        if (requeued + failed > 0) {
            LOG.warn("recovered {} interrupted tasks: {} re-queued, {} failed with no attempts left",
                    requeued + failed, requeued, failed);
        }
    }

    /** Re-queues (or fails) one orphaned Running task; empty if another node changed it first. */
    Optional<Task> takeOver(Task orphan, String why) {
        String reason = "attempt " + orphan.attempts() + " was interrupted: " + why;
        Task next = orphan.hasAttemptsLeft()
                ? orphan.requeueAfterInterruption(clock.instant(), reason)
                : orphan.fail(clock.instant(), null, orphan.output(), reason + "; no attempts left");
        QueueChange queue = next.status() == TaskStatus.Pending ? QueueChange.ADD : QueueChange.REMOVE;
        if (!storage.compareAndSave(orphan, next, queue)) {
            return Optional.empty();
        }
        events.publish(new TaskEvent.Changed(next));
        return Optional.of(next);
    }
}
