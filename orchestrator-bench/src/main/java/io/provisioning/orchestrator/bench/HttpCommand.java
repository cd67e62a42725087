package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.execution.NoopExecutor;
import io.provisioning.orchestrator.server.OrchestratorApp;
import io.provisioning.orchestrator.storage.filesystem.FilesystemTaskStorage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The REST path measured by a load generator nobody here wrote: {@code wrk} (Debian's package) with
 * 64 connections POSTing {@code /workflows/servers/create}, a server of its own in every body (a Lua
 * script numbers them), against the engine's own submit rate in the same run, rounds alternating.
 * Every acknowledged task must be in the store after the server is closed and the store reopened.
 * Then the idle round trip of {@code GET /health} and {@code GET /tasks/{id}} on one keep-alive
 * connection ({@code wrk -t1 -c1 --latency}), measured outside the server's JVM.
 */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = "REST submissions/s with wrk (distinct bodies) beside the engine's submit rate; "
                + "GET /health and GET /tasks/{id} latency on one keep-alive connection.")
final class HttpCommand implements Callable<Integer> {
    @Mixin
    BenchMain.Common common;

    @Option(names = "--runs", defaultValue = "3", description = "measured rounds (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--seconds", defaultValue = "10", description = "wrk duration per run (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--connections", defaultValue = "64", description = "wrk connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--wrk-threads", defaultValue = "2", description = "wrk threads (default: ${DEFAULT-VALUE})")
    int wrkThreads;

    @Option(names = "--engine-tasks", defaultValue = "20000", description = "tasks per engine run (default: ${DEFAULT-VALUE})")
    int engineTasks;

    @Option(names = "--submitters", defaultValue = "64", description = "engine runs: threads calling submit (default: ${DEFAULT-VALUE})")
    int submitters;

    @Option(names = "--workers", defaultValue = "64", description = "workers (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--wrk", defaultValue = "wrk", description = "the wrk binary (default: ${DEFAULT-VALUE})")
    String wrk;

    @Option(names = "--warmup-seconds", defaultValue = "10", description = "wrk warm-up before the measured rounds, "
            + "so the JIT has compiled the request path (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Override
    public Integer call() throws Exception {
        BenchFixture fixture = common.fixture();
        System.out.println(Machine.describe(fixture.dataRoot()));
        System.out.printf("http: wrk -t%d -c%d -d%ds with a server of its own per body, against the engine "
                        + "(%,d tasks, %d submitters); %d rounds alternating; %d workers, no-op executor, filesystem storage%n",
                wrkThreads, connections, seconds, engineTasks, submitters, runs, workers);
        Path lua = Files.createTempFile("bench-distinct-servers-", ".lua");
        Files.writeString(lua, distinctBodiesScript(), StandardCharsets.UTF_8);
        try {
            EngineThroughput engine = new EngineThroughput(fixture, submitters, workers);
            engine.run(3000);
            submitWithWrk(fixture, lua, warmupSeconds); // warm-up: the same JVM serves every round
            List<Double> engineRates = new ArrayList<>();
            List<Double> httpRates = new ArrayList<>();
            List<Double> httpP99 = new ArrayList<>();
            List<Double> engineCpu = new ArrayList<>();
            List<Double> httpCpu = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                boolean engineFirst = r % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    if ((k == 0) == engineFirst) {
                        RunResult result = engine.run(engineTasks);
                        engineRates.add(result.submittedPerSecond());
                        engineCpu.add(result.cpuSeconds() * 1e6 / result.tasks());
                        System.out.printf("  run %d engine  submitted %,8.0f/s  (JVM CPU %.0f µs per task, workers included)%n",
                                r + 1, result.submittedPerSecond(), engineCpu.getLast());
                    } else {
                        Wrk.Result result = submitWithWrk(fixture, lua, seconds);
                        httpRates.add(result.requestsPerSecond());
                        httpP99.add(result.p99Micros());
                        httpCpu.add(result.serverCpuSeconds() * 1e6 / Math.max(1, result.requests()));
                        System.out.printf("  run %d wrk     submitted %,8.0f/s  (%,d acknowledged, p50 %.2f ms, p99 %.2f ms;"
                                        + " server JVM CPU %.0f µs per request)%n",
                                r + 1, result.requestsPerSecond(), result.requests(), result.p50Micros() / 1000,
                                result.p99Micros() / 1000, httpCpu.getLast());
                    }
                }
            }
            double engineMedian = Stats.median(engineRates);
            double httpMedian = Stats.median(httpRates);
            Table table = new Table("path", "clients", "submitted/s (median)", "ratio to engine", "JVM CPU µs per task");
            table.row("engine (Orchestrator.submit)", submitters + " threads", Table.f0(engineMedian), "1.00",
                    Table.f0(Stats.median(engineCpu)));
            table.row("wrk POST /workflows/servers/create", connections + " connections", Table.f0(httpMedian),
                    Table.f2(httpMedian / engineMedian), Table.f0(Stats.median(httpCpu)));
            System.out.println();
            table.print(System.out);

            System.out.println();
            System.out.println("idle round trip, wrk -t1 -c1 --latency, " + seconds + " s each, medians of " + runs + " runs:");
            idleLatency(fixture).print(System.out);
        } finally {
            Files.deleteIfExists(lua);
        }
        return 0;
    }

    /** One wrk run against a fresh server; checks that every acknowledged request left its task on disk. */
    Wrk.Result submitWithWrk(BenchFixture fixture, Path lua, int duration) throws Exception {
        Path dataDir = fixture.newDataDir("wrk");
        try {
            Wrk.Result result;
            try (OrchestratorApp app = OrchestratorApp.start(fixture.serverOptions(dataDir, workers), new NoopExecutor())) {
                double cpu0 = RunResult.processCpuSeconds();
                result = wrk(List.of("-t" + wrkThreads, "-c" + connections, "-d" + duration + "s", "--timeout", "30s", "--latency",
                        "-s", lua.toString(), "http://127.0.0.1:" + app.port() + "/workflows/servers/create"));
                result = result.withServerCpu(RunResult.processCpuSeconds() - cpu0);
            }
            if (result.errors() > 0) {
                throw new IllegalStateException("wrk: " + result.errors() + " requests were not answered 2xx: " + result.output());
            }
            FilesystemTaskStorage reopened = new FilesystemTaskStorage(dataDir);
            try {
                long stored = reopened.count();
                // requests still in flight when wrk stops may be acknowledged but not counted by wrk: at least, never fewer
                if (stored < result.requests()) {
                    throw new IllegalStateException("wrk: " + result.requests() + " acknowledged but " + stored
                            + " tasks stored after a restart");
                }
            } finally {
                reopened.close();
            }
            return result;
        } finally {
            BenchFixture.delete(dataDir);
        }
    }

    private Table idleLatency(BenchFixture fixture) throws Exception {
        Path dataDir = fixture.newDataDir("idle");
        List<Double> health50 = new ArrayList<>();
        List<Double> health99 = new ArrayList<>();
        List<Double> task50 = new ArrayList<>();
        List<Double> task99 = new ArrayList<>();
        try (OrchestratorApp app = OrchestratorApp.start(fixture.serverOptions(dataDir, workers), new NoopExecutor());
                HttpClient client = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + app.port();
            HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/workflows/servers/create"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BenchFixture.nextBody())).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = created.body().replaceAll("(?s).*\"data\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            if (created.statusCode() != 200 || id.equals(created.body())) {
                throw new IllegalStateException("could not submit the task to read back: " + created.body());
            }
            wrk(List.of("-t1", "-c1", "-d2s", base + "/health")); // warm-up
            for (int r = 0; r < runs; r++) {
                Wrk.Result health = wrk(List.of("-t1", "-c1", "-d" + seconds + "s", "--latency", base + "/health"));
                Wrk.Result task = wrk(List.of("-t1", "-c1", "-d" + seconds + "s", "--latency", base + "/tasks/" + id));
                health50.add(health.p50Micros());
                health99.add(health.p99Micros());
                task50.add(task.p50Micros());
                task99.add(task.p99Micros());
            }
        } finally {
            BenchFixture.delete(dataDir);
        }
        Table table = new Table("request", "p50 µs", "p99 µs");
        table.row("GET /health", Table.f0(Stats.median(health50)), Table.f0(Stats.median(health99)));
        table.row("GET /tasks/{id}", Table.f0(Stats.median(task50)), Table.f0(Stats.median(task99)));
        return table;
    }

    private Wrk.Result wrk(List<String> args) throws IOException, InterruptedException {
        return new Wrk(wrk).run(args);
    }

    /** A wrk script: each request a body for a server of its own (thread number and counter in its name). */
    static String distinctBodiesScript() {
        return """
                local threads = 0
                function setup(thread)
                  threads = threads + 1
                  thread:set("tid", threads)
                end
                local n = 0
                function request()
                  n = n + 1
                  local body = string.format('{"infra": "production", "settings": "settings.yaml", '
                    .. '"servers": ["wrk-%d-%d"], "check_mode": false, "wait": false}', tid, n)
                  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
                end
                local told = false
                function response(status, headers, body)
                  if status ~= 200 and not told then
                    told = true
                    print("first answer not 200: " .. status .. " " .. body)
                  end
                end
                """;
    }
}
