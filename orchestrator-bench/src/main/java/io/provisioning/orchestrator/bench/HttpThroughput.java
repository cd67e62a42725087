package io.provisioning.orchestrator.bench;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The same through the REST API on loopback: the whole server started in-process
 * ({@link OrchestratorApp#start} with the {@link NoopExecutor}), and {@code concurrency} clients of
 * one {@link HttpClient} POSTing {@code /workflows/servers/create}, each request for a server of its
 * own, each client waiting for its answer before sending the next.
 */
final class HttpThroughput {
    private final BenchFixture fixture;
    private final int concurrency;
    private final int workers;

    HttpThroughput(BenchFixture fixture, int concurrency, int workers) {
        this.fixture = fixture;
        this.concurrency = concurrency;
        this.workers = workers;
    }

    RunResult run(int tasks) throws InterruptedException {
        Path dataDir = fixture.newDataDir("http");
        CompletionWatch watch = new CompletionWatch(tasks);
        OrchestratorApp app = OrchestratorApp.start(fixture.serverOptions(dataDir, workers), new NoopExecutor());
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            app.orchestrator().events().subscribe(watch);
            URI uri = URI.create("http://127.0.0.1:" + app.port() + "/workflows/servers/create");
            long[] requestMicros = new long[tasks];
            AtomicInteger next = new AtomicInteger();
            AtomicReference<String> problem = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            double cpu0 = RunResult.processCpuSeconds();
            long t0 = System.nanoTime();
            for (int c = 0; c < concurrency; c++) {
                threads.add(Thread.ofVirtual().name("client-" + c).start(() -> {
                    int i;
                    while (problem.get() == null && (i = next.getAndIncrement()) < tasks) {
                        // a server of its own per request: one body for all would measure the per-server limit
                        HttpRequest request = HttpRequest.newBuilder(uri)
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(BenchFixture.nextBody()))
                                .build();
                        long sent = System.nanoTime();
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
                        requestMicros[i] = (System.nanoTime() - sent) / 1_000;
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            long submitted = System.nanoTime();
            if (problem.get() != null) {
                throw new IllegalStateException("http run: a request failed: " + problem.get());
            }
            if (!watch.await(Duration.ofMinutes(2))) {
                throw new IllegalStateException("http run: only " + watch.completed() + " of " + tasks
                        + " tasks completed (" + watch.failed() + " failed)");
            }
            return new RunResult(tasks, (submitted - t0) / 1e9, (watch.lastCompletionNanos() - t0) / 1e9,
                    watch.startLatencyMicros(), requestMicros, RunResult.processCpuSeconds() - cpu0);
        } finally {
            app.close();
            BenchFixture.delete(dataDir);
        }
    }
}
