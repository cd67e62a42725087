package io.provisioning.orchestrator.storage.migration;

import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Copies every task, queue entry and idempotency record of a store nobody uses right now into an empty store, in
 * batches, then reads the target back and compares counts and content hashes with the source.
 * The source is only read. Reading the next batch overlaps with serializing, hashing and writing
 * the previous ones ({@code writers} batches at once); each task is serialized once, for its hash
 * and for a target that takes the bytes ({@link CanonicalImport}).
 */
public final class OfflineMigration {
    /**
     * @param batchSize  tasks per read and per write
     * @param writers    batches written at the same time
     */
    public record Settings(int batchSize, int writers, boolean dryRun) {
        public Settings {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batch size must be from 1 to 10000");
            }
        }
    }

    private final TaskStorage source;
    private final TaskStorage target;
    private final Settings settings;
    private final MigrationProgress progress;

    /** @param target  null only for a dry run whose target does not exist yet (so it is empty) */
    public OfflineMigration(TaskStorage source, TaskStorage target, Settings settings, MigrationProgress progress) {
        if (target == null && !settings.dryRun()) {
            throw new IllegalArgumentException("a migration that copies needs a target");
        }
        this.source = source;
        this.target = target;
        this.settings = settings;
        this.progress = progress;
    }

    public MigrationReport run() {
        long started = System.nanoTime();
        long total = source.count();
        long already = target == null ? 0 : target.count();
        if (already > 0) {
            throw new MigrationException("the target " + target.type() + " already holds " + already
                    + " tasks; migrate into an empty store (a new data dir or database)");
        }
        if (target != null && !IdempotencyRecordCopy.isEmpty(target)) {
            throw new MigrationException("the target " + target.type() + " already holds idempotency keys;"
                    + " migrate into an empty store (a new data dir or database)");
        }
        Set<String> queued = new HashSet<>(source.queuedTaskIds());
        if (settings.dryRun()) {
            StoreContents contents = StoreContents.read(source, settings.batchSize(),
                    n -> progress.update("reading", n, total));
            long keys = IdempotencyRecordCopy.hashes(source, settings.batchSize()).size();
            return new MigrationReport(contents.count(), contents.queued().size(), 0, Duration.ZERO,
                    Duration.ofNanos(System.nanoTime() - started), contents.digest(), null, true, keys);
        }
        long copyStarted = System.nanoTime();
        Map<String, String> sourceHashes = copy(total, queued);
        long keys = IdempotencyRecordCopy.copy(source, target, settings.batchSize(), Supplier::get);
        Duration copyTime = Duration.ofNanos(System.nanoTime() - copyStarted);
        StoreContents sourceContents = new StoreContents(sourceHashes, queued);
        StoreContents targetContents = StoreContents.readAgainst(target, sourceHashes, settings.batchSize(),
                n -> progress.update("verifying", n, total));
        List<String> problems = new java.util.ArrayList<>(targetContents.differencesFrom(sourceContents, 10));
        problems.addAll(IdempotencyRecordCopy.differences(IdempotencyRecordCopy.hashes(source, settings.batchSize()),
                IdempotencyRecordCopy.hashes(target, settings.batchSize()), 10));
        if (!problems.isEmpty()) {
            throw new MigrationException("verification failed: " + String.join("; ", problems));
        }
        // no differences: the target holds the same ids with the same hashes and the same queue
        // (differencesFrom compared every one), so its digest is the source's, computed once
        String sourceDigest = sourceContents.digest();
        String targetDigest = sourceDigest;
        return new MigrationReport(sourceContents.count(), queued.size(), sourceContents.count(), copyTime,
                Duration.ofNanos(System.nanoTime() - started), sourceDigest, targetDigest, false, keys);
    }

    /**
     * Reads batches on this thread and hands them to {@code writers} others, which serialize each
     * task once ({@link CanonicalTask}), hash those bytes for verification and import them: as they
     * are into a {@link CanonicalImport} target, through {@code importBatch} into any other. A
     * {@link StoredJsonScan} source is read as JSON bytes, which the writers parse. Returns the
     * source's content hashes.
     */
    private Map<String, String> copy(long total, Set<String> queued) {
        Map<String, String> hashes = new ConcurrentHashMap<>();
        BlockingQueue<Batch> batches = new ArrayBlockingQueue<>(settings.writers() * 2);
        AtomicLong copied = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(settings.writers(),
                Thread.ofPlatform().name("migration-writer-", 0).daemon().factory());
        List<Future<?>> writers = new java.util.ArrayList<>();
        for (int i = 0; i < settings.writers(); i++) {
            writers.add(pool.submit(() -> {
                while (true) {
                    Batch batch = batches.take();
                    if (batch == Batch.END) {
                        return null;
                    }
                    int n = write(batch.encode(), queued, hashes);
                    progress.update("copying", copied.addAndGet(n), total);
                }
            }));
        }
        try {
            long after = Long.MIN_VALUE;
            if (source instanceof StoredJsonScan stored) {
                // fetched here, parsed by the writers
                for (StoredJsonScan.Page page = stored.scanStoredJson(after, settings.batchSize()); !page.json().isEmpty();
                        page = stored.scanStoredJson(after, settings.batchSize())) {
                    after = page.lastSequence();
                    putOrFail(batches, Batch.stored(page.json()), writers);
                }
            } else {
                for (List<Task> batch = source.scan(after, settings.batchSize()); !batch.isEmpty();
                        batch = source.scan(after, settings.batchSize())) {
                    after = batch.get(batch.size() - 1).sequence();
                    putOrFail(batches, Batch.tasks(batch), writers);
                }
            }
            for (int i = 0; i < settings.writers(); i++) {
                putOrFail(batches, Batch.END, writers);
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
            return hashes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted while copying");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw new MigrationException("writing to the target failed after " + copied.get() + " of " + total
                    + " tasks: " + cause.getMessage(), cause);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A batch as read: tasks, or the stored JSON of tasks ({@link StoredJsonScan}) that the writer parses. */
    private record Batch(List<Task> tasks, List<byte[]> stored) {
        static final Batch END = new Batch(List.of(), List.of());

        static Batch tasks(List<Task> tasks) {
            return new Batch(tasks, null);
        }

        static Batch stored(List<byte[]> json) {
            return new Batch(null, json);
        }

        /** Each task with its canonical JSON, serialized once (and parsed first when read as JSON). */
        List<CanonicalTask> encode() {
            List<CanonicalTask> encoded = new java.util.ArrayList<>(tasks != null ? tasks.size() : stored.size());
            if (tasks != null) {
                tasks.forEach(t -> encoded.add(CanonicalTask.of(t)));
            } else {
                stored.forEach(json -> encoded.add(CanonicalTask.parse(json)));
            }
            return encoded;
        }
    }

    /** One batch: each task's hash recorded, then the batch written to the target; returns its size. */
    private int write(List<CanonicalTask> encoded, Set<String> queued, Map<String, String> hashes) {
        Set<String> batchQueued = new HashSet<>();
        for (CanonicalTask canonical : encoded) {
            String id = canonical.task().id();
            hashes.put(id, canonical.hash());
            if (queued.contains(id)) {
                batchQueued.add(id);
            }
        }
        if (target instanceof CanonicalImport bytes) {
            bytes.importCanonical(encoded, batchQueued);
        } else {
            target.importBatch(encoded.stream().map(CanonicalTask::task).toList(), batchQueued);
        }
        return encoded.size();
    }

    /** Hands a batch to the writers, unless one of them has failed already (then its error ends the copy). */
    private static void putOrFail(BlockingQueue<Batch> batches, Batch batch, List<Future<?>> writers)
            throws InterruptedException, java.util.concurrent.ExecutionException {
        while (!batches.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            for (Future<?> writer : writers) {
                if (writer.isDone()) {
                    writer.get();
                }
            }
        }
    }
}
