package io.provisioning.orchestrator.storage.migration;

import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the live store to another backend while the service runs and takes writes:
 * <ol>
 * <li>opens the target, which must be empty, and starts mirroring every write to it;</li>
 * <li>copies the tasks, then the idempotency records, in batches, each under a short pause of writes, so a
 *     batch is current;</li>
 * <li>verifies: reads both stores and compares content hashes, then, with writes paused, checks
 *     counts, queues, every idempotency record and whatever differed once more;</li>
 * <li>switches, in that same pause: the target becomes the live store.</li>
 * </ol>
 * Nothing is refused: writes wait for a batch or the final check. On any failure the migration
 * stops, the target is closed and the source stays live as it was.
 */
public final class OnlineMigration {
    private static final Logger LOG = LoggerFactory.getLogger(OnlineMigration.class);

    public enum State { COPYING, VERIFYING, SWITCHED, FAILED }

    /** What a watcher sees; {@code copied}/{@code total} drive a progress bar. */
    public record Status(State state, String from, String to, long copied, long total, Instant startedAt,
            Instant finishedAt, String error, String sourceDigest, String targetDigest) {
        public boolean finished() {
            return state == State.SWITCHED || state == State.FAILED;
        }
    }

    private final SwitchableTaskStorage live;
    private final String targetType;
    private final Supplier<TaskStorage> openTarget;
    private final int batchSize;
    private final Consumer<TaskStorage> onSwitched;
    private final Clock clock;
    private final AtomicReference<Status> status = new AtomicReference<>();
    private final AtomicReference<RuntimeException> mirrorFailure = new AtomicReference<>();

    /**
     * @param onSwitched  runs after the switch with the store that was replaced (to record the new
     *                    backend for restarts and close the old one)
     */
    public OnlineMigration(SwitchableTaskStorage live, String targetType, Supplier<TaskStorage> openTarget, int batchSize,
            Consumer<TaskStorage> onSwitched, Clock clock) {
        this.live = live;
        this.targetType = targetType;
        this.openTarget = openTarget;
        this.batchSize = batchSize;
        this.onSwitched = onSwitched;
        this.clock = clock;
        status.set(new Status(State.COPYING, live.type(), targetType, 0, 0, clock.instant(), null, null, null, null));
    }

    public Status status() {
        return status.get();
    }

    /** Runs the migration in the background; follow it with {@link #status()}. */
    public OnlineMigration start() {
        Thread.ofVirtual().name("online-migration").start(this::run);
        return this;
    }

    /** Runs the migration on this thread; returns the final status. */
    public Status run() {
        TaskStorage source = live.active();
        TaskStorage target = null;
        try {
            target = openTarget.get();
            long already = target.count();
            if (already > 0) {
                throw new MigrationException("the target " + targetType + " already holds " + already
                        + " tasks; migrate into an empty store");
            }
            if (!IdempotencyRecordCopy.isEmpty(target)) {
                throw new MigrationException("the target " + targetType + " already holds idempotency keys;"
                        + " migrate into an empty store");
            }
            live.startMirroring(target, mirrorFailure::set);
            copy(source, target);
            failIfMirrorFailed();
            // a key stored meanwhile is mirrored with its submission; a batch is read and written with writes paused
            IdempotencyRecordCopy.copy(source, target, batchSize, live::paused);
            update(s -> new Status(State.VERIFYING, s.from(), s.to(), s.copied(), s.total(), s.startedAt(), null, null,
                    null, null));
            verifyAndSwitch(source, target);
            onSwitched.accept(source);
            LOG.info("online migration from {} to {} done: {} tasks, content digest {}", status().from(), targetType,
                    status().copied(), status().targetDigest());
        } catch (RuntimeException e) {
            live.stopMirroring();
            if (target != null && live.active() != target) {
                closeQuietly(target);
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.error("online migration from {} to {} failed: {}; {} stays the live store", source.type(), targetType,
                    message, source.type());
            update(s -> new Status(State.FAILED, s.from(), s.to(), s.copied(), s.total(), s.startedAt(), clock.instant(),
                    message + "; " + source.type() + " stays the live store", s.sourceDigest(), s.targetDigest()));
        }
        return status();
    }

    private void copy(TaskStorage source, TaskStorage target) {
        long total = source.count();
        update(s -> new Status(State.COPYING, s.from(), s.to(), 0, total, s.startedAt(), null, null, null, null));
        long after = Long.MIN_VALUE;
        long copied = 0;
        while (true) {
            failIfMirrorFailed();
            long from = after;
            List<Task> batch = live.paused(() -> {
                List<Task> tasks = source.scan(from, batchSize);
                if (!tasks.isEmpty()) {
                    target.importBatch(tasks, queuedAmong(source, tasks));
                }
                return tasks;
            });
            if (batch.isEmpty()) {
                return;
            }
            after = batch.get(batch.size() - 1).sequence();
            copied += batch.size();
            long done = copied;
            update(s -> new Status(State.COPYING, s.from(), s.to(), done, Math.max(s.total(), done), s.startedAt(), null,
                    null, null, null));
        }
    }

    private static Set<String> queuedAmong(TaskStorage source, List<Task> tasks) {
        Set<String> ids = new HashSet<>();
        tasks.forEach(t -> ids.add(t.id()));
        Set<String> queued = new HashSet<>(source.queuedTaskIds());
        queued.retainAll(ids);
        return queued;
    }

    private void verifyAndSwitch(TaskStorage source, TaskStorage target) {
        // a first comparison while writes go on; what differs may just be a write in flight
        long seenUpTo = source.maxSequence();
        StoreContents fromSource = StoreContents.read(source, 1000, n -> { });
        StoreContents fromTarget = StoreContents.read(target, 1000, n -> { });
        Set<String> suspects = new HashSet<>();
        fromSource.hashes().forEach((id, hash) -> {
            if (!hash.equals(fromTarget.hashes().get(id))) {
                suspects.add(id);
            }
        });
        fromTarget.hashes().keySet().stream().filter(id -> !fromSource.hashes().containsKey(id)).forEach(suspects::add);
        failIfMirrorFailed();
        live.paused(() -> {
            // writes wait: look again at what differed, count everything, compare the queues, then switch
            failIfMirrorFailed();
            Map<String, String> sourceHashes = new HashMap<>(fromSource.hashes());
            Map<String, String> targetHashes = new HashMap<>(fromTarget.hashes());
            for (TaskStorage side : List.of(source, target)) { // tasks created since the first comparison began
                long after = seenUpTo;
                for (List<Task> added = side.scan(after, 1000); !added.isEmpty(); added = side.scan(after, 1000)) {
                    added.forEach(t -> suspects.add(t.id()));
                    after = added.get(added.size() - 1).sequence();
                }
            }
            for (String id : suspects) {
                refresh(sourceHashes, source, id);
                refresh(targetHashes, target, id);
            }
            StoreContents finalSource = new StoreContents(sourceHashes, new HashSet<>(source.queuedTaskIds()));
            StoreContents finalTarget = new StoreContents(targetHashes, new HashSet<>(target.queuedTaskIds()));
            List<String> problems = finalTarget.differencesFrom(finalSource, 10);
            long sourceCount = source.count();
            long targetCount = target.count();
            if (sourceCount != targetCount) {
                problems.add(0, "counts differ: " + sourceCount + " in the source, " + targetCount + " in the target");
            }
            // key records never change once stored, and writes wait here: all of them are compared
            problems.addAll(IdempotencyRecordCopy.differences(IdempotencyRecordCopy.hashes(source, 1000),
                    IdempotencyRecordCopy.hashes(target, 1000), 10));
            if (sourceCount != finalSource.count()) {
                problems.add("the source holds " + sourceCount + " tasks but " + finalSource.count() + " were compared");
            }
            if (!problems.isEmpty()) {
                throw new MigrationException("verification failed: " + String.join("; ", problems));
            }
            String sourceDigest = finalSource.digest();
            String targetDigest = finalTarget.digest();
            live.switchTo(target);
            update(s -> new Status(State.SWITCHED, s.from(), s.to(), s.copied(), s.total(), s.startedAt(),
                    clock.instant(), null, sourceDigest, targetDigest));
            return null;
        });
    }

    private static void refresh(Map<String, String> hashes, TaskStorage storage, String id) {
        storage.find(id).ifPresentOrElse(t -> hashes.put(id, ContentDigest.of(t)), () -> hashes.remove(id));
    }

    private void failIfMirrorFailed() {
        RuntimeException failure = mirrorFailure.get();
        if (failure != null) {
            throw new MigrationException("writing to the target failed: " + failure.getMessage(), failure);
        }
    }

    private void update(java.util.function.UnaryOperator<Status> change) {
        status.updateAndGet(change);
    }

    private static void closeQuietly(TaskStorage storage) {
        try {
            storage.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the migration target failed: {}", e.getMessage());
        }
    }
}
