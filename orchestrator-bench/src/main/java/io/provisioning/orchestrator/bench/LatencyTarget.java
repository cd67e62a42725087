package io.provisioning.orchestrator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.engine.OrchestratorConfig;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.server.OrchestratorApp;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.filesystem.FilesystemTaskStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * What {@code bin/bench latency} submits its probe tasks to: the engine alone ({@link Orchestrator}
 * on filesystem storage in this thread) or the whole server on a loopback port: a
 * {@code POST /workflows/servers/create} over one kept-alive blocking socket ({@link KeepAliveHttp},
 * path {@code http}), or from the JDK's {@link HttpClient} (path {@code http-jdk}, which adds its own
 * thread hand-offs to each call; kept to compare). Either way
 * {@link #orchestrator()} is the engine underneath, for the filler tasks and the event bus.
 */
sealed interface LatencyTarget extends AutoCloseable {

    /** Submits one probe task; returns its id once the submission is acknowledged. */
    String submitProbe(Integer priority);

    Orchestrator orchestrator();

    /**
     * The floor under an HTTP submission on this machine right now, measured outside this JVM:
     * {@code GET /health} (no body to parse, no durable write) on one keep-alive connection for
     * {@code seconds}, {@code wrk -t1 -c1 --latency}; {p50, p99} in micros. Empty for the engine alone.
     */
    double[] floorMicros(Wrk wrk, int seconds);

    @Override
    void close();

    static LatencyTarget open(String path, BenchFixture fixture, Path dataDir, int workers, ProbeExecutor executor) {
        return switch (path) {
            case "engine" -> new Engine(fixture, dataDir, workers, executor);
            case "http" -> new Http(fixture, dataDir, workers, executor, false);
            case "http-jdk" -> new Http(fixture, dataDir, workers, executor, true);
            default -> throw new IllegalArgumentException("no such path: " + path + " (engine, http or http-jdk)");
        };
    }

    /** {@link Orchestrator#submit} in-process, as {@link EngineThroughput} does. */
    final class Engine implements LatencyTarget {
        private final BenchFixture fixture;
        private final TaskStorage storage;
        private final Orchestrator orchestrator;

        Engine(BenchFixture fixture, Path dataDir, int workers, ProbeExecutor executor) {
            this.fixture = fixture;
            this.storage = new FilesystemTaskStorage(dataDir);
            this.orchestrator = new Orchestrator(OrchestratorConfig.defaults().withWorkers(workers)
                    .withShutdownGrace(Duration.ZERO), storage, executor, Clock.systemUTC(), new TaskEventBus());
            orchestrator.start();
        }

        @Override
        public String submitProbe(Integer priority) {
            return orchestrator.submit(fixture.task(priority)).id();
        }

        @Override
        public Orchestrator orchestrator() {
            return orchestrator;
        }

        @Override
        public double[] floorMicros(Wrk wrk, int seconds) {
            return new double[0];
        }

        @Override
        public void close() {
            orchestrator.close(); // grace 0: parked fillers are interrupted and stay queued
            storage.close();
        }
    }

    /** The whole server ({@link OrchestratorApp}) with the probe executor, on an ephemeral loopback port. */
    final class Http implements LatencyTarget {
        private final OrchestratorApp app;
        private final HttpClient client;
        private final KeepAliveHttp socket;
        private final URI uri;
        private final HttpRequest health;

        Http(BenchFixture fixture, Path dataDir, int workers, ProbeExecutor executor, boolean jdkClient) {
            this.app = OrchestratorApp.start(fixture.serverOptions(dataDir, workers, Duration.ZERO), executor);
            this.client = jdkClient ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build() : null;
            this.socket = jdkClient ? null : new KeepAliveHttp("127.0.0.1", app.port());
            this.uri = URI.create("http://127.0.0.1:" + app.port() + "/workflows/servers/create");
            this.health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/health"))
                    .timeout(Duration.ofSeconds(30)).GET().build();
        }

        @Override
        public String submitProbe(Integer priority) {
            String json = priority == null ? BenchFixture.nextBody() : BenchFixture.nextBody(priority);
            if (socket != null) {
                try {
                    KeepAliveHttp.Response response = socket.postJson(uri.getPath(), json);
                    if (response.status() != 200) {
                        throw new IllegalStateException("POST " + uri.getPath() + " answered HTTP " + response.status()
                                + ": " + response.body());
                    }
                    return Json.mapper().readTree(response.body()).path("data").asText();
                } catch (IOException e) {
                    throw new UncheckedIOException("POST " + uri.getPath() + " failed", e);
                }
            }
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("POST " + uri.getPath() + " answered HTTP " + response.statusCode()
                            + ": " + response.body());
                }
                JsonNode body = Json.mapper().readTree(response.body());
                return body.path("data").asText();
            } catch (IOException e) {
                throw new UncheckedIOException("POST " + uri.getPath() + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public Orchestrator orchestrator() {
            return app.orchestrator();
        }

        @Override
        public double[] floorMicros(Wrk wrk, int seconds) {
            try {
                Wrk.Result result = wrk.oneConnection(health.uri().toString(), seconds);
                if (result.errors() > 0 || result.requests() == 0) {
                    throw new IllegalStateException("GET /health under wrk: " + result.output());
                }
                return new double[] {result.p50Micros(), result.p99Micros()};
            } catch (IOException e) {
                throw new UncheckedIOException("wrk failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public void close() {
            if (client != null) {
                client.close();
            }
            if (socket != null) {
                socket.close();
            }
            app.close();
        }
    }
}
