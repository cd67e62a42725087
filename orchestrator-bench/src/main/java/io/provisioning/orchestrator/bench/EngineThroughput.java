package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.engine.OrchestratorConfig;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.NoopExecutor;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.filesystem.FilesystemTaskStorage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine alone: {@code submitters} threads call {@link Orchestrator#submit} until {@code tasks}
 * are in, on filesystem storage (every write acknowledged after the journal's fdatasync), and
 * {@code workers} workers run them with the {@link NoopExecutor}.
 */
final class EngineThroughput {
    private final BenchFixture fixture;
    private final int submitters;
    private final int workers;

    private final java.util.function.Function<Path, TaskStorage> storageIn;
    private final boolean queuedFirst;

    EngineThroughput(BenchFixture fixture, int submitters, int workers) {
        this(fixture, submitters, workers, FilesystemTaskStorage::new);
    }

    /** On another backend: {@code storageIn} opens an empty store in a run's data dir. */
    EngineThroughput(BenchFixture fixture, int submitters, int workers,
            java.util.function.Function<Path, TaskStorage> storageIn) {
        this(fixture, submitters, workers, storageIn, false);
    }

    /**
     * {@code queuedFirst}: every task is submitted (and stored) before the workers start, and
     * completed/s is timed from their start to the last completion: the drain of a full queue, the
     * way db-scheduler's harness inserts its tasks first and then times their execution.
     */
    EngineThroughput(BenchFixture fixture, int submitters, int workers,
            java.util.function.Function<Path, TaskStorage> storageIn, boolean queuedFirst) {
        this.fixture = fixture;
        this.submitters = submitters;
        this.workers = workers;
        this.storageIn = storageIn;
        this.queuedFirst = queuedFirst;
    }

    RunResult run(int tasks) throws InterruptedException {
        Path dataDir = fixture.newDataDir("engine");
        TaskEventBus events = new TaskEventBus();
        CompletionWatch watch = new CompletionWatch(tasks);
        events.subscribe(watch);
        TaskStorage storage = storageIn.apply(dataDir);
        Orchestrator orchestrator = new Orchestrator(OrchestratorConfig.defaults().withWorkers(workers), storage,
                new NoopExecutor(), Clock.systemUTC(), events);
        try {
            if (queuedFirst) {
                orchestrator.recover();
            } else {
                orchestrator.start();
            }
            AtomicInteger next = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            double cpu0 = RunResult.processCpuSeconds();
            long t0 = System.nanoTime();
            for (int i = 0; i < submitters; i++) {
                threads.add(Thread.ofPlatform().name("submitter-" + i).start(() -> {
                    while (next.getAndIncrement() < tasks) {
                        orchestrator.submit(fixture.task());
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            long submitted = System.nanoTime();
            long started = t0;
            if (queuedFirst) {
                started = System.nanoTime();
                cpu0 = RunResult.processCpuSeconds(); // the drain's CPU, not the submissions'
                orchestrator.start();
            }
            if (!watch.await(Duration.ofMinutes(2))) {
                throw new IllegalStateException("engine run: only " + watch.completed() + " of " + tasks
                        + " tasks completed (" + watch.failed() + " failed)");
            }
            return new RunResult(tasks, (submitted - t0) / 1e9, (watch.lastCompletionNanos() - started) / 1e9,
                    watch.startLatencyMicros(), new long[0], RunResult.processCpuSeconds() - cpu0);
        } finally {
            orchestrator.close();
            storage.close();
            BenchFixture.delete(dataDir);
        }
    }
}
