package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.server.OrchestratorApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The same script through the orchestrator: a server started in-process with the real
 * {@code NushellExecutor} and {@code parallelism} workers, each task submitted with a POST on
 * loopback, timed from the first POST to the last task Completed.
 */
final class OrchestratedNushell {
    private final BenchFixture fixture;

    OrchestratedNushell(BenchFixture fixture) {
        this.fixture = fixture;
    }

    /** Seconds from the first submission to the last completion (server start and stop not counted). */
    double run(int tasks, int parallelism) throws Exception {
        Path dataDir = fixture.newDataDir("overhead");
        CompletionWatch watch = new CompletionWatch(tasks);
        OrchestratorApp app = OrchestratorApp.start(fixture.serverOptions(dataDir, parallelism));
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            app.orchestrator().events().subscribe(watch);
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + app.port() + "/workflows/servers/create"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BenchFixture.nextBody()))
                    .build();
            long t0 = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
                }
            }
            if (!watch.await(Duration.ofMinutes(5))) {
                throw new IllegalStateException("only " + watch.completed() + " of " + tasks + " Nushell tasks completed ("
                        + watch.failed() + " failed; see the task's error, e.g. is --nu-path right?)");
            }
            return (watch.lastCompletionNanos() - t0) / 1e9;
        } finally {
            app.close();
            BenchFixture.delete(dataDir);
        }
    }
}
