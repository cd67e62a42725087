package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.storage.LeaseStatus;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-fencing on a shared store: a node that is alive but cannot renew its leases (the database is
 * away, or only this node cannot reach it) ends every attempt it runs before those leases can lapse
 * ({@link LeaseFence}), so the node that takes the tasks over never runs one beside it. While fenced
 * the workers claim nothing. An ended attempt comes back INTERRUPTED, so its worker records it as
 * interrupted (never Failed) once the store answers; if another node has taken the task over by
 * then, that outcome is dropped and the task goes on there.
 */
final class FenceOnLostLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FenceOnLostLease.class);

    private final TaskStorage storage;
    private final TaskExecutor executor;
    private final AttemptsHere here;
    private final Clock clock;
    private volatile boolean fenced;
    private Thread watcher;

    FenceOnLostLease(TaskStorage storage, TaskExecutor executor, AttemptsHere here, Clock clock) {
        this.storage = storage;
        this.executor = executor;
        this.here = here;
        this.clock = clock;
    }

    /** Looks on a thread of its own, a few times a second; nothing to do for a store only this process uses. */
    void start() {
        Optional<LeaseStatus> status = storage.leaseStatus();
        if (status.isEmpty()) {
            return;
        }
        Duration every = LeaseFence.checkEvery(status.get().lease());
        watcher = Thread.ofPlatform().daemon().name("lease-fence").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    check();
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.error("lease fence check failed; trying again", e);
                }
            }
        });
    }

    /** True while this node may not run or claim anything. */
    boolean isFenced() {
        return fenced;
    }

    /** One look: fences (ending what runs here) or lifts the fence. */
    void check() {
        Optional<LeaseStatus> found = storage.leaseStatus();
        if (found.isEmpty()) {
            return;
        }
        LeaseStatus status = found.get();
        Instant now = clock.instant();
        if (!LeaseFence.mustFence(now, status)) {
            if (fenced) {
                fenced = false;
                LOG.info("leases renewed again; this node claims tasks again");
            }
            return;
        }
        String reason = "interrupted: this node could not renew its lease for "
                + Duration.between(status.renewedAt(), now).toMillis() + " ms (fenced at "
                + LeaseFence.fenceAfter(status.lease()).toMillis() + " ms of a " + status.lease().toMillis()
                + " ms lease), so another node may take the task over";
        if (!fenced) {
            fenced = true;
            LOG.warn("fenced: no lease renewal has succeeded since {} ({} ms, the fence is at {} ms of a {} ms lease);"
                    + " ending the {} attempts running here and claiming nothing until a renewal succeeds",
                    status.renewedAt(), Duration.between(status.renewedAt(), now).toMillis(),
                    LeaseFence.fenceAfter(status.lease()).toMillis(), status.lease().toMillis(), here.runningIds().size());
        }
        for (String taskId : here.runningIds()) { // again at every look: an attempt claimed just before is ended too
            executor.interrupt(taskId, reason);
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
