package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.ProcessTree;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.AttemptProcess;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task stored as Running that no orchestrator runs (at start, this node's own leftovers; on a
 * shared store, also tasks of a node whose lease lapsed) goes back to the queue, its interrupted
 * attempt kept in the history; with no attempts left it fails. Never while the attempt's process
 * tree may still run: a tree on this host is ended (TERM, then KILL) and proven gone in /proc
 * first, and one that will not go keeps the task Running; a tree on another host is taken as gone
 * once its node's lease lapsed, because that node's watchdog ends it when its orchestrator dies.
 * At start, Pending tasks whose queue entry was lost get it back.
 */
final class RecoverInterruptedTasks implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RecoverInterruptedTasks.class);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration PROOF = Duration.ofSeconds(10);

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

    /**
     * Re-queues (or fails) one orphaned Running task once its attempt's tree is gone; empty if the
     * tree outlived its KILL or another node changed the task first.
     */
    Optional<Task> takeOver(Task orphan, String why) {
        Optional<String> treeEnded = endTree(orphan);
        if (treeEnded.isEmpty()) {
            return Optional.empty();
        }
        String reason = "attempt " + orphan.attempts() + " was interrupted: " + why + "; " + treeEnded.get();
        Task next = orphan.hasAttemptsLeft()
                ? orphan.requeueAfterInterruption(clock.instant(), reason)
                : orphan.failAfterInterruption(clock.instant(), reason + "; no attempts left");
        QueueChange queue = next.status() == TaskStatus.Pending ? QueueChange.ADD : QueueChange.REMOVE;
        if (!storage.compareAndSave(orphan, next, queue)) {
            return Optional.empty();
        }
        events.publish(new TaskEvent.Changed(next));
        return Optional.of(next);
    }

    /** How the attempt's tree was found gone, or empty if it is still alive. */
    private Optional<String> endTree(Task orphan) {
        AttemptProcess tree = orphan.process();
        if (tree == null) {
            return Optional.of("no process tree was recorded for it");
        }
        if (!ProcessTree.isLocal(tree)) {
            return Optional.of("its process tree ran on " + tree.node() + ", another host or boot, whose lease lapsed");
        }
        if (ProcessTree.isGone(tree)) {
            return Optional.of("its process tree (group " + tree.pgid() + ") was already gone");
        }
        try {
            if (ProcessTree.end(tree, GRACE, PROOF)) {
                LOG.warn("ended the leftover process tree (group {}) of task {} attempt {}", tree.pgid(), orphan.id(),
                        orphan.attempts());
                return Optional.of("its process tree (group " + tree.pgid() + ") was still running and was ended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        LOG.error("the process tree (group {}) of task {} outlived its KILL: {}; the task stays Running so that no "
                + "second attempt runs beside it", tree.pgid(), orphan.id(), ProcessTree.members(tree));
        return Optional.empty();
    }
}
