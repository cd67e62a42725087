package io.provisioning.orchestrator.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Submit-to-start latency, idle and behind a backlog, engine in-process and through the REST API. */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Submit-to-start latency (p50, p99, max) at idle and with a backlog of queued tasks, "
                + "engine in-process and through the REST API on loopback.")
final class LatencyCommand implements Callable<Integer> {
    /** The target of issue #3: p99 under 5 ms at idle with a no-op executor. */
    static final double TARGET_P99_MS = 5.0;

    @Mixin
    BenchMain.Common common;

    @Option(names = "--samples", defaultValue = "500", description = "measured probes per run (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--warmup", defaultValue = "50", description = "unmeasured probes at the start of each run (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--runs", defaultValue = "3", description = "runs of each path and scenario (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--workers", defaultValue = "4", description = "engine workers (default: ${DEFAULT-VALUE}, the server's default)")
    int workers;

    @Option(names = "--backlog", defaultValue = "1000", description = "backlog scenario: tasks queued (default: ${DEFAULT-VALUE})")
    int backlog;

    @Option(names = "--gap-ms", defaultValue = "5", description = "pause between probes (default: ${DEFAULT-VALUE})")
    long gapMillis;

    @Option(names = "--floor-seconds", defaultValue = "5", description = "HTTP runs: seconds of wrk -t1 -c1 on GET /health "
            + "after the probes, the HTTP floor (0: none) (default: ${DEFAULT-VALUE})")
    int floorSeconds;

    @Option(names = "--wrk", defaultValue = "wrk", description = "the wrk binary, for the HTTP floor (default: ${DEFAULT-VALUE})")
    String wrk;

    @Option(names = "--only", split = ",", description = "engine, http (a kept-alive blocking socket) or http-jdk "
            + "(the JDK's HttpClient), several with commas (default: engine,http, alternating)")
    List<String> only;

    @Option(names = "--scenario", description = "idle or backlog (default: both)")
    String scenario;

    @Override
    public Integer call() throws Exception {
        BenchFixture fixture = common.fixture();
        List<String> paths = only == null ? List.of("engine", "http") : List.copyOf(only);
        List<String> scenarios = scenario == null ? LatencyRun.SCENARIOS : List.of(scenario);
        System.out.println(Machine.describe(fixture.dataRoot()));
        System.out.println(DiskProbe.describe(fixture.dataRoot()));
        System.out.printf("latency: %d probes per run after %d unmeasured, %d runs of each; %d workers, filesystem "
                        + "storage (fdatasync'd journal), probes no-op; backlog %,d queued low-priority tasks; "
                        + "load average %s%n", samples, warmup, runs, workers, backlog, Machine.loadAverage());
        LatencyRun latency = new LatencyRun(fixture, workers, backlog, gapMillis, new Wrk(wrk), floorSeconds);
        Map<String, List<LatencyRun.Result>> results = new LinkedHashMap<>();
        for (String s : scenarios) {
            for (String p : paths) {
                results.put(p + " " + s, new ArrayList<>());
            }
        }
        for (int r = 0; r < runs; r++) {
            for (String s : scenarios) {
                for (int k = 0; k < paths.size(); k++) {
                    // alternate which path goes first, so neither always runs on a warmer (or more tired) machine
                    String p = paths.get((k + r) % paths.size());
                    LatencyRun.Result result = latency.run(p, s, warmup, samples);
                    results.get(p + " " + s).add(result);
                    System.out.printf("  run %d %-6s %-7s  ready->start p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms"
                                    + "  | call->start p50 %6.2f ms  p99 %7.2f ms  (load %s)%n",
                            r + 1, p, s, ms(Stats.percentile(result.readyToStart(), 50)),
                            ms(Stats.percentile(result.readyToStart(), 99)), ms(Stats.max(result.readyToStart())),
                            ms(Stats.percentile(result.callToStart(), 50)), ms(Stats.percentile(result.callToStart(), 99)),
                            Machine.loadAverage());
                }
            }
        }

        System.out.println();
        System.out.println(DiskProbe.describe(fixture.dataRoot()) + " (after)");
        Table table = new Table("path", "scenario", "samples", "ready->start p50 ms", "p99 ms", "max ms",
                "call->start p50 ms", "p99 ms", "max ms", "submit call p50 ms", "p99 ms");
        for (List<LatencyRun.Result> kind : results.values()) {
            LatencyRun.Result first = kind.get(0);
            table.row(first.path(), first.scenario() + (first.scenario().equals("backlog") ? " " + backlog : ""),
                    samples * kind.size(),
                    Table.f2(medianOf(kind, LatencyRun.Result::readyToStart, 50)),
                    Table.f2(medianOf(kind, LatencyRun.Result::readyToStart, 99)),
                    Table.f2(maxOf(kind, LatencyRun.Result::readyToStart)),
                    Table.f2(medianOf(kind, LatencyRun.Result::callToStart, 50)),
                    Table.f2(medianOf(kind, LatencyRun.Result::callToStart, 99)),
                    Table.f2(maxOf(kind, LatencyRun.Result::callToStart)),
                    Table.f2(medianOf(kind, LatencyRun.Result::submit, 50)),
                    Table.f2(medianOf(kind, LatencyRun.Result::submit, 99)));
        }
        table.print(System.out);
        System.out.println("p50/p99: medians of the runs' percentiles; max: over all runs. ready->start = from the moment "
                + "the probe could start (idle: its submit returned; backlog: a worker was handed back) to execute() "
                + "entered. call->start = from the submit call being made (HTTP: request sent); under a backlog it "
                + "includes the benchmark's own wait before freeing a worker. submit call = the submission round trip "
                + "(HTTP: request sent to response read).");
        for (List<LatencyRun.Result> kind : results.values()) {
            if (kind.get(0).floor().length > 0) {
                System.out.printf("HTTP floor, %s %s: GET /health on one keep-alive connection from wrk (outside this JVM), "
                                + "%d s after each run's probes, p50 %.3f ms, p99 %.3f ms (medians of the runs)%n",
                        kind.get(0).path(), kind.get(0).scenario(), floorSeconds,
                        Stats.median(kind.stream().map(r -> r.floor()[0] / 1000).toList()),
                        Stats.median(kind.stream().map(r -> r.floor()[1] / 1000).toList()));
            }
        }
        for (String p : paths) {
            List<LatencyRun.Result> idle = results.get(p + " idle");
            if (idle != null) {
                double readyP99 = medianOf(idle, LatencyRun.Result::readyToStart, 99);
                double callP99 = medianOf(idle, LatencyRun.Result::callToStart, 99);
                System.out.printf("target p99 < %.0f ms at idle, %s: ready->start %.2f ms %s; call->start %.2f ms %s%n",
                        TARGET_P99_MS, p, readyP99, verdict(readyP99), callP99, verdict(callP99));
            }
        }
        return 0;
    }

    private static String verdict(double p99Ms) {
        return p99Ms < TARGET_P99_MS ? "(met)" : "(NOT met)";
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private static double medianOf(List<LatencyRun.Result> runs, java.util.function.Function<LatencyRun.Result, long[]> series,
            double percentile) {
        return Stats.median(runs.stream().map(r -> ms(Stats.percentile(series.apply(r), percentile))).toList());
    }

    private static double maxOf(List<LatencyRun.Result> runs, java.util.function.Function<LatencyRun.Result, long[]> series) {
        return runs.stream().mapToDouble(r -> ms(Stats.max(series.apply(r)))).max().orElse(0);
    }
}
