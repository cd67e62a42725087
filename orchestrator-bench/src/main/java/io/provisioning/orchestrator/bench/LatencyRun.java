package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.task.Priority;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One measured run of {@code bin/bench latency}: probe tasks submitted one at a time, each timed
 * from the moment it could start to the moment the executor's {@code execute()} is entered for it.
 *
 * <ul>
 *   <li><b>idle</b>: nothing else queued and every worker free. A probe (normal priority, as the
 *       API makes it) could start as soon as its submission returned, so the figure is
 *       submit-returned → execute(); the probe runs, completes, and after a gap the next one goes.
 *   <li><b>backlog</b>: every worker holds a low-priority filler and {@code backlog} more fillers
 *       wait in the queue. A high-priority probe is submitted, then one filler is let go: its
 *       worker records that filler's outcome and takes the head of the queue, which is the probe.
 *       The probe could start the moment that worker was handed back, so the figure is
 *       worker-freed → execute(). One filler is added per probe, so the queue stays at
 *       {@code backlog}.
 * </ul>
 */
final class LatencyRun {
    static final List<String> SCENARIOS = List.of("idle", "backlog");

    /**
     * @param readyToStart micros from the moment the probe could start (idle: submit returned; backlog:
     *                     a worker freed) to execute() entered
     * @param callToStart  micros from the submit call being made to execute() entered
     * @param submit       micros the submit call took (for HTTP: request sent to response read)
     * @param floor        HTTP only (else empty): {p50, p99} micros of {@code GET /health} on one keep-alive
     *                     connection from {@code wrk} (outside this JVM) for a few seconds after the probes,
     *                     the server as the probes left it (idle, or with its backlog queued)
     */
    record Result(String path, String scenario, long[] readyToStart, long[] callToStart, long[] submit, double[] floor) {}

    private final BenchFixture fixture;
    private final int workers;
    private final int backlog;
    private final long gapMillis;

    private final Wrk wrk;
    private final int floorSeconds;

    LatencyRun(BenchFixture fixture, int workers, int backlog, long gapMillis, Wrk wrk, int floorSeconds) {
        this.wrk = wrk;
        this.floorSeconds = floorSeconds;
        this.fixture = fixture;
        this.workers = workers;
        this.backlog = backlog;
        this.gapMillis = gapMillis;
    }

    Result run(String path, String scenario, int warmup, int samples) throws InterruptedException {
        if (!SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("no such scenario: " + scenario + " (idle or backlog)");
        }
        boolean withBacklog = scenario.equals("backlog");
        Path dataDir = fixture.newDataDir("latency-" + path + "-" + scenario);
        ProbeExecutor executor = new ProbeExecutor();
        try (LatencyTarget target = LatencyTarget.open(path, fixture, dataDir, workers, executor)) {
            BlockingQueue<String> completed = new LinkedBlockingQueue<>();
            target.orchestrator().events().subscribe(event -> {
                if (event instanceof TaskEvent.Changed changed && isProbe(changed.task())
                        && changed.task().status() == TaskStatus.Completed) {
                    completed.add(changed.task().id());
                }
            });
            if (withBacklog) {
                fill(target.orchestrator(), executor);
            }
            long[] readyToStart = new long[samples];
            long[] callToStart = new long[samples];
            long[] submit = new long[samples];
            for (int i = 0; i < warmup + samples; i++) {
                if (withBacklog) {
                    target.orchestrator().submit(fixture.task(Priority.LOW)); // keeps the queue at `backlog`
                }
                long call = System.nanoTime();
                String id = target.submitProbe(withBacklog ? Integer.valueOf(Priority.HIGH) : null);
                long returned = System.nanoTime();
                if (withBacklog) {
                    executor.releaseOne();
                }
                awaitCompleted(completed, id);
                long started = executor.startedAt(id);
                long ready = withBacklog ? executor.lastFreedNanos() : returned;
                if (withBacklog) {
                    executor.awaitParked(workers, 30_000); // the worker took the next filler: back to the same state
                }
                if (i >= warmup) {
                    int s = i - warmup;
                    readyToStart[s] = (started - ready) / 1_000;
                    callToStart[s] = (started - call) / 1_000;
                    submit[s] = (returned - call) / 1_000;
                }
                Thread.sleep(gapMillis);
            }
            double[] floor = floorSeconds > 0 ? target.floorMicros(wrk, floorSeconds) : new double[0];
            return new Result(path, scenario, readyToStart, callToStart, submit, floor);
        } finally {
            BenchFixture.delete(dataDir);
        }
    }

    private static boolean isProbe(Task task) {
        return task.priority() > Priority.LOW;
    }

    /** {@code workers} fillers holding the workers and {@code backlog} more queued behind them. */
    private void fill(Orchestrator orchestrator, ProbeExecutor executor) throws InterruptedException {
        int total = workers + backlog;
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().name("filler-" + t).start(() -> {
                while (next.getAndIncrement() < total) {
                    orchestrator.submit(fixture.task(Priority.LOW));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        executor.awaitParked(workers, 60_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (orchestrator.queuedCount() != backlog) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("backlog: " + orchestrator.queuedCount() + " queued, expected " + backlog);
            }
            Thread.sleep(5);
        }
    }

    private static void awaitCompleted(BlockingQueue<String> completed, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            long left = deadline - System.nanoTime();
            String done = completed.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (done == null) {
                throw new IllegalStateException("probe task " + id + " did not complete within 30 s");
            }
            if (done.equals(id)) {
                return;
            }
        }
    }
}
