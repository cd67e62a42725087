package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.queue.TaskQueue;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a store shared by several nodes. Other nodes' changes arrive live and keep this node's
 * queue, gates and event stream in step. Every few seconds a sweep takes over Running tasks whose
 * lease lapsed (their node died; {@link RecoverInterruptedTasks} ends their tree first where it can
 * see it) and queues what this node missed (while it was disconnected, say).
 */
final class FollowOtherNodes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FollowOtherNodes.class);
    private final TaskStorage storage;
    private final FollowChange follow;
    private final AttemptsHere here;
    private final RecoverInterruptedTasks recovery;
    private final TaskQueue queue;
    private final Duration sweepEvery;
    private AutoCloseable watch;
    private Thread sweeper;

    FollowOtherNodes(TaskStorage storage, FollowChange follow, AttemptsHere here, RecoverInterruptedTasks recovery,
            TaskQueue queue, Duration sweepEvery) {
        this.storage = storage;
        this.follow = follow;
        this.here = here;
        this.recovery = recovery;
        this.queue = queue;
        this.sweepEvery = sweepEvery;
    }

    void start() {
        watch = storage.watchOtherNodes(follow::changedElsewhere);
        sweeper = Thread.ofVirtual().name("follow-other-nodes").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(sweepEvery);
                    sweep();
                } catch (InterruptedException e) {
                    return;
                } catch (StorageException e) {
                    LOG.debug("sweep skipped: {}", e.getMessage());
                } catch (RuntimeException e) {
                    LOG.warn("sweep of the shared store failed; trying again", e);
                }
            }
        });
    }

    void sweep() {
        for (Task orphan : storage.findOrphaned(false)) {
            if (here.isRunning(orphan.id())) {
                continue; // its lease lapsed while the store was away; the worker here still holds it
            }
            recovery.takeOver(orphan, "its node stopped renewing its lease").ifPresent(next -> {
                LOG.warn("took over task {} from a node that stopped renewing its lease: {}", next.id(), next.status());
                follow.follow(next, Duration.ZERO);
            });
        }
        for (String id : storage.queuedTaskIds()) {
            if (!queue.contains(id) && !follow.isHeldBack(id)) {
                storage.find(id).filter(t -> t.status() == TaskStatus.Pending)
                        .ifPresent(t -> follow.follow(t, FollowChange.OTHER_NODES_FIRST));
            }
        }
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.interrupt();
        }
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("closing the watch failed: {}", e.getMessage());
            }
        }
    }
}
