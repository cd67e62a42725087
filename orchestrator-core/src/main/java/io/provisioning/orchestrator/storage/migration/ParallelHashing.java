package io.provisioning.orchestrator.storage.migration;

import io.provisioning.orchestrator.task.Task;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Hashes batches of tasks ({@link ContentDigest#of(Task)}) on a few threads while the caller reads
 * the next batch. At most two batches a thread wait or run at once, so memory stays bounded
 * whatever the store's size; {@link #close} waits for every batch and stops the threads.
 */
final class ParallelHashing implements AutoCloseable {
    private final Map<String, String> into;
    private final LongConsumer hashed;
    private final ExecutorService pool;
    private final int limit;
    private final Deque<Future<Integer>> running = new ArrayDeque<>();
    private long done;

    /** @param into  where id → hash goes (thread-safe); {@code hashed} hears how many tasks are hashed so far */
    ParallelHashing(Map<String, String> into, int threads, LongConsumer hashed) {
        this.into = into;
        this.hashed = hashed;
        this.limit = threads * 2;
        this.pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("migration-hash-", 0).daemon().factory());
    }

    /** As many threads as the machine has cores, at most 4. */
    static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    void add(List<Task> batch) {
        while (running.size() >= limit) {
            awaitOldest();
        }
        running.add(pool.submit(() -> {
            for (Task task : batch) {
                into.put(task.id(), ContentDigest.of(task));
            }
            return batch.size();
        }));
    }

    /** Waits until every batch is hashed. */
    void finish() {
        while (!running.isEmpty()) {
            awaitOldest();
        }
    }

    private void awaitOldest() {
        try {
            done += running.removeFirst().get();
            hashed.accept(done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted while hashing tasks");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new MigrationException("cannot hash tasks: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
