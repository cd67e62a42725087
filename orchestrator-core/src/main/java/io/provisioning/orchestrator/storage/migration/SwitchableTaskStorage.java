package io.provisioning.orchestrator.storage.migration;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.LeaseStatus;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store the engine talks to, so that an online migration can happen under it. Normally it
 * passes everything to the active store. While a migration copies, every write that succeeds on
 * the active store is also written to the target ("mirrored"), task by task in the same order.
 * The copy itself takes the exclusive side of a read-write lock for each batch (writes wait a
 * moment, none is refused), so a batch always carries the latest state and a mirrored write is
 * never overwritten by an older copy. At the end the target becomes the active store.
 */
public final class SwitchableTaskStorage implements TaskStorage {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchableTaskStorage.class);

    private final ReentrantReadWriteLock pause = new ReentrantReadWriteLock(true);
    private final Object[] stripes = new Object[256];
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private volatile TaskStorage active;
    private volatile TaskStorage mirror;
    private volatile Consumer<RuntimeException> onMirrorFailure;

    public SwitchableTaskStorage(TaskStorage active) {
        this.active = active;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    public TaskStorage active() {
        return active;
    }

    // ---- migration hooks ----------------------------------------------------------------

    /** From now on every successful write is repeated on {@code target}; a failure there goes to {@code onFailure}. */
    void startMirroring(TaskStorage target, Consumer<RuntimeException> onFailure) {
        pause.writeLock().lock();
        try {
            this.onMirrorFailure = onFailure;
            this.mirror = target;
        } finally {
            pause.writeLock().unlock();
        }
    }

    void stopMirroring() {
        pause.writeLock().lock();
        try {
            mirror = null;
        } finally {
            pause.writeLock().unlock();
        }
    }

    /** Runs {@code work} while no write is in progress or can start. */
    <T> T paused(java.util.function.Supplier<T> work) {
        pause.writeLock().lock();
        try {
            return work.get();
        } finally {
            pause.writeLock().unlock();
        }
    }

    /** Makes {@code target} the active store (writes paused meanwhile); returns the one it replaces. */
    TaskStorage switchTo(TaskStorage target) {
        pause.writeLock().lock();
        try {
            TaskStorage previous = active;
            active = target;
            mirror = null;
            for (Watch watch : watches) {
                watch.moveTo(target);
            }
            return previous;
        } finally {
            pause.writeLock().unlock();
        }
    }

    // ---- writes -------------------------------------------------------------------------

    private interface Write {
        void to(TaskStorage storage);
    }

    private void write(String taskId, Write write) {
        pause.readLock().lock();
        try {
            synchronized (stripe(taskId)) {
                write.to(active);
                mirrorWrite(write);
            }
        } finally {
            pause.readLock().unlock();
        }
    }

    private void mirrorWrite(Write write) {
        TaskStorage target = mirror;
        if (target == null) {
            return;
        }
        try {
            write.to(target);
        } catch (RuntimeException e) {
            mirror = null; // the source stays the truth; the migration is abandoned
            LOG.error("online migration: writing to the target failed ({}); the migration stops, the source stays active",
                    e.getMessage());
            Consumer<RuntimeException> listener = onMirrorFailure;
            if (listener != null) {
                listener.accept(e);
            }
        }
    }

    private Object stripe(String taskId) {
        return stripes[(taskId.hashCode() & 0x7fffffff) % stripes.length];
    }

    @Override
    public void save(Task task) {
        write(task.id(), s -> s.save(task));
    }

    @Override
    public void saveAndEnqueue(Task task) {
        write(task.id(), s -> s.saveAndEnqueue(task));
    }

    @Override
    public void saveAndDequeue(Task task) {
        write(task.id(), s -> s.saveAndDequeue(task));
    }

    /** Deleted from the active store and, while mirroring, from the target too. */
    @Override
    public boolean delete(String id) {
        pause.readLock().lock();
        try {
            synchronized (stripe(id)) {
                boolean deleted = active.delete(id);
                mirrorWrite(s -> s.delete(id));
                return deleted;
            }
        } finally {
            pause.readLock().unlock();
        }
    }

    @Override
    public boolean compareAndSave(Task expected, Task next, QueueChange queue) {
        pause.readLock().lock();
        try {
            synchronized (stripe(next.id())) {
                if (!active.compareAndSave(expected, next, queue)) {
                    return false;
                }
                mirrorWrite(s -> {
                    switch (queue) { // the target follows the source: it takes the outcome as it is
                        case ADD -> s.saveAndEnqueue(next);
                        case REMOVE -> s.saveAndDequeue(next);
                        case KEEP -> s.save(next);
                    }
                });
                return true;
            }
        } finally {
            pause.readLock().unlock();
        }
    }

    @Override
    public Optional<IdempotencyRecord> saveSubmission(List<Task> tasks, IdempotencyRecord idempotency) {
        pause.readLock().lock();
        try {
            Optional<IdempotencyRecord> taken = active.saveSubmission(tasks, idempotency);
            if (taken.isEmpty()) {
                mirrorWrite(s -> s.saveSubmission(tasks, idempotency));
            }
            return taken;
        } finally {
            pause.readLock().unlock();
        }
    }

    @Override
    public void importBatch(List<Task> tasks, Set<String> queued) {
        pause.readLock().lock();
        try {
            active.importBatch(tasks, queued);
            mirrorWrite(s -> s.importBatch(tasks, queued));
        } finally {
            pause.readLock().unlock();
        }
    }

    @Override
    public void importIdempotencyRecords(List<IdempotencyRecord> records) {
        pause.readLock().lock();
        try {
            active.importIdempotencyRecords(records);
            mirrorWrite(s -> s.importIdempotencyRecords(records));
        } finally {
            pause.readLock().unlock();
        }
    }

    // ---- reads and the rest go to the active store ----------------------------------------

    @Override public String type() { return active.type(); }
    @Override public java.util.Map<String, Integer> formatVersions() { return active.formatVersions(); }
    @Override public Optional<Task> find(String id) { return active.find(id); }
    @Override public Optional<Task> findToClaim(String id) { return active.findToClaim(id); }
    @Override public TaskPage list(TaskQuery query) { return active.list(query); }
    @Override public java.util.Map<TaskStatus, Long> countByStatus(TaskQuery filter) { return active.countByStatus(filter); }
    @Override public List<Task> findUnfinished() { return active.findUnfinished(); }
    @Override public List<String> queuedTaskIds() { return active.queuedTaskIds(); }
    @Override public Optional<Task> findByIdempotencyKey(String key) { return active.findByIdempotencyKey(key); }
    @Override public Optional<IdempotencyRecord> findIdempotencyRecord(String key) { return active.findIdempotencyRecord(key); }
    @Override public long maxSequence() { return active.maxSequence(); }
    @Override public void checkHealth() { active.checkHealth(); }
    @Override public boolean isShared() { return active.isShared(); }
    @Override public Optional<LeaseStatus> leaseStatus() { return active.leaseStatus(); }
    @Override public List<Task> findOrphaned(boolean atStart) { return active.findOrphaned(atStart); }
    @Override public List<Task> scan(long afterSequence, int limit) { return active.scan(afterSequence, limit); }
    @Override public long count() { return active.count(); }
    @Override public List<Task> scanFinishedBefore(java.time.Instant cutoff, long afterSequence, int limit) {
        return active.scanFinishedBefore(cutoff, afterSequence, limit);
    }
    @Override public java.util.Map<io.provisioning.orchestrator.task.TaskStatus, java.util.Map<Integer, Long>> countsByStatusAndPriority() {
        return active.countsByStatusAndPriority();
    }
    @Override public List<IdempotencyRecord> scanIdempotencyRecords(String afterKey, int limit) {
        return active.scanIdempotencyRecords(afterKey, limit);
    }

    @Override
    public AutoCloseable watchOtherNodes(Consumer<Task> changed) {
        Watch watch = new Watch(changed);
        watch.moveTo(active);
        watches.add(watch);
        return () -> {
            watches.remove(watch);
            watch.close();
        };
    }

    @Override
    public void close() {
        TaskStorage target = mirror;
        mirror = null;
        if (target != null) {
            target.close();
        }
        active.close();
    }

    /** A watch that follows the active store across a switch. */
    private static final class Watch implements AutoCloseable {
        private final Consumer<Task> changed;
        private AutoCloseable current;

        Watch(Consumer<Task> changed) {
            this.changed = changed;
        }

        synchronized void moveTo(TaskStorage storage) {
            close();
            current = storage.watchOtherNodes(changed);
        }

        @Override
        public synchronized void close() {
            if (current != null) {
                try {
                    current.close();
                } catch (Exception e) {
                    LOG.debug("closing a watch failed: {}", e.getMessage());
                }
                current = null;
            }
        }
    }
}
