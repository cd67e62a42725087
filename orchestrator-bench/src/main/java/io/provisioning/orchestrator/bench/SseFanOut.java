package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.execution.NoopExecutor;
import io.provisioning.orchestrator.server.OrchestratorApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of {@code bin/bench sse}: a fresh server ({@link OrchestratorApp} with the
 * {@link NoopExecutor}) on a loopback port, {@code subscribers} clients following
 * {@code GET /events}, then {@code tasks} tasks through {@code POST /workflows/servers/create}.
 * The reference is what the engine published, heard on its event bus in-process; each
 * subscriber's {@link StatusTrail} is compared with it.
 */
final class SseFanOut {
    /** How long subscribers may trail the engine's last event before the run counts them as short. */
    private static final long GRACE_MILLIS = 30_000;

    record Result(int tasks, long expectedPerSubscriber, double engineSeconds, double deliveredSeconds,
            long eventsDelivered, double lagP50Ms, double lagP99Ms, long missing, long extra, int completeSubscribers,
            int subscribers, List<String> problems) {

        double eventsPerSecond() {
            return eventsDelivered / deliveredSeconds;
        }

        boolean allDelivered() {
            return missing == 0 && extra == 0 && completeSubscribers == subscribers && problems.isEmpty();
        }
    }

    private final BenchFixture fixture;
    private final int subscribers;
    private final int concurrency;
    private final int workers;

    SseFanOut(BenchFixture fixture, int subscribers, int concurrency, int workers) {
        this.fixture = fixture;
        this.subscribers = subscribers;
        this.concurrency = concurrency;
        this.workers = workers;
    }

    Result run(int tasks) throws IOException, InterruptedException {
        Path dataDir = fixture.newDataDir("sse");
        OrchestratorApp app = OrchestratorApp.start(fixture.serverOptions(dataDir, workers), new NoopExecutor());
        List<SseSubscriber> streams = new ArrayList<>();
        HttpClient sseClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpClient postClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            StatusTrail reference = new StatusTrail();
            CountDownLatch engineDone = new CountDownLatch(1);
            long[] engineDoneNanos = new long[1];
            app.orchestrator().events().subscribe(event -> {
                if (event instanceof TaskEvent.Changed changed) {
                    long now = System.nanoTime();
                    if (reference.add(changed.taskId(), changed.task().status().name(), now) == tasks) {
                        engineDoneNanos[0] = now;
                        engineDone.countDown();
                    }
                }
            });
            URI events = URI.create("http://127.0.0.1:" + app.port() + "/events");
            for (int i = 0; i < subscribers; i++) {
                streams.add(new SseSubscriber(sseClient, events, tasks).start("sse-subscriber-" + i));
            }
            Thread.sleep(200); // every stream is open; let the server side settle into following live

            long t0 = System.nanoTime();
            String failure = submit(postClient, URI.create("http://127.0.0.1:" + app.port() + "/workflows/servers/create"),
                    tasks);
            List<String> problems = new ArrayList<>();
            if (failure != null) {
                problems.add("a submission failed: " + failure);
            }
            if (!engineDone.await(2, TimeUnit.MINUTES)) {
                problems.add("the engine did not finish every task within 2 minutes");
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
            for (SseSubscriber s : streams) {
                s.await(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            return tally(tasks, reference, streams, t0, engineDoneNanos[0], problems);
        } finally {
            streams.forEach(SseSubscriber::close);
            sseClient.shutdownNow(); // the streams never end by themselves: close() would wait for them
            postClient.close();
            app.close();
            BenchFixture.delete(dataDir);
        }
    }

    private Result tally(int tasks, StatusTrail reference, List<SseSubscriber> streams, long t0, long engineDoneNanos,
            List<String> problems) {
        long missing = 0;
        long extra = 0;
        long delivered = 0;
        long lastDone = 0;
        int complete = 0;
        List<long[]> lags = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
            SseSubscriber s = streams.get(i);
            StatusTrail.Comparison c = StatusTrail.compare(reference, s.trail());
            missing += c.missing();
            extra += c.extra();
            delivered += s.trail().events();
            lags.add(c.lagMicros());
            if (s.complete()) {
                complete++;
                lastDone = Math.max(lastDone, s.doneNanos());
            }
            if (c.missing() > 0 || c.extra() > 0 || !s.complete() || s.failure() != null || s.idsNotIncreasing() > 0) {
                problems.add(String.format("subscriber %d: %d missing, %d extra, ids not increasing %d%s%s",
                        i, c.missing(), c.extra(), s.idsNotIncreasing(),
                        s.complete() ? "" : ", did not see every task end",
                        s.failure() == null ? "" : ", " + s.failure()));
            }
        }
        long[] allLags = lags.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        long end = complete == streams.size() ? lastDone : System.nanoTime();
        long engineEnd = engineDoneNanos != 0 ? engineDoneNanos : System.nanoTime(); // 0: the engine never finished
        return new Result(tasks, reference.events(), (engineEnd - t0) / 1e9, (end - t0) / 1e9, delivered,
                Stats.percentile(allLags, 50) / 1000.0, Stats.percentile(allLags, 99) / 1000.0, missing, extra, complete,
                streams.size(), problems);
    }

    /** POSTs {@code tasks} workflows, {@code concurrency} in flight; the first failure, or null. */
    private String submit(HttpClient client, URI uri, int tasks) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> problem = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            threads.add(Thread.ofVirtual().name("post-" + c).start(() -> {
                while (problem.get() == null && next.getAndIncrement() < tasks) {
                    HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(BenchFixture.nextBody())).build();
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            problem.compareAndSet(null, "HTTP " + response.statusCode() + ": " + response.body());
                        }
                    } catch (IOException e) {
                        problem.compareAndSet(null, e.toString());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return problem.get();
    }
}
