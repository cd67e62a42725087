package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.queue.QueueEntry;
import io.provisioning.orchestrator.queue.TaskQueue;
import io.provisioning.orchestrator.task.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Brings this node's queue and gates in line with a task's new state, made elsewhere or by a takeover. */
final class FollowChange {
    /**
     * How long a task queued by another node is left to that node before this one competes for it.
     * Each node mostly runs what it was given, so nodes rarely race for the same claim; a busy or
     * dead node's tasks are still picked up by the others soon after.
     */
    static final Duration OTHER_NODES_FIRST = Duration.ofMillis(1500);

    private final Clock clock;
    private final TaskQueue queue;
    private final DependencyGate dependencies;
    private final ConcurrencyGate concurrency;
    private final AnnounceChange announce;

    FollowChange(Clock clock, TaskQueue queue, DependencyGate dependencies, ConcurrencyGate concurrency,
            AnnounceChange announce) {
        this.clock = clock;
        this.queue = queue;
        this.dependencies = dependencies;
        this.concurrency = concurrency;
        this.announce = announce;
    }

    /** A task changed on another node sharing the store: tell watchers, and follow it after that node had its turn. */
    void changedElsewhere(Task task) {
        announce.changed(task);
        follow(task, OTHER_NODES_FIRST);
    }

    void follow(Task task, Duration holdBack) {
        switch (task.status()) {
            case Pending -> {
                if (!isHeldBack(task.id())) {
                    Instant notBefore = clock.instant().plus(holdBack);
                    if (task.nextAttemptAt() != null && task.nextAttemptAt().isAfter(notBefore)) {
                        notBefore = task.nextAttemptAt();
                    }
                    queue.add(new QueueEntry(task.id(), task.priority(), task.sequence(), notBefore));
                }
            }
            case Running -> queue.remove(task.id());
            default -> {
                queue.remove(task.id());
                dependencies.forget(task.id());
                concurrency.forget(task.id());
                announce.queueAll(dependencies.release(task.id()));
            }
        }
    }

    /** Held back here: waiting for a dependency or for a concurrency limit. */
    boolean isHeldBack(String taskId) {
        return dependencies.isParked(taskId) || concurrency.isWaiting(taskId);
    }
}
