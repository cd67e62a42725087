package io.provisioning.orchestrator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Queue throughput with durable filesystem storage and a no-op executor: engine alone, then through HTTP. */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Tasks/s submitted and completed, engine in-process and through the REST API on loopback.")
final class ThroughputCommand implements Callable<Integer> {
    @Mixin
    BenchMain.Common common;

    @Option(names = "--tasks", defaultValue = "10000", description = "tasks per run (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--runs", defaultValue = "3", description = "measured runs of each kind (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup-tasks", defaultValue = "3000", description = "tasks of the unmeasured first run of each kind (default: ${DEFAULT-VALUE})")
    int warmupTasks;

    @Option(names = "--submitters", defaultValue = "64", description = "engine runs: threads calling submit (default: ${DEFAULT-VALUE})")
    int submitters;

    @Option(names = "--concurrency", defaultValue = "64", description = "HTTP runs: requests in flight (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--workers", defaultValue = "64",
            description = "engine workers, i.e. tasks in flight (default: ${DEFAULT-VALUE}; the server's default is 4)")
    int workers;

    @Option(names = "--only", description = "engine or http (default: both, alternating)")
    String only;

    @Override
    public Integer call() throws Exception {
        BenchFixture fixture = common.fixture();
        System.out.println(Machine.describe(fixture.dataRoot()));
        System.out.println(DiskProbe.describe(fixture.dataRoot()));
        System.out.printf("throughput: %,d tasks per run, %d runs of each kind after a %,d-task warm-up; "
                        + "%d workers, no-op executor, filesystem storage (fdatasync'd journal)%n",
                tasks, runs, warmupTasks, workers);
        EngineThroughput engine = new EngineThroughput(fixture, submitters, workers);
        HttpThroughput http = new HttpThroughput(fixture, concurrency, workers);
        boolean doEngine = only == null || only.equals("engine");
        boolean doHttp = only == null || only.equals("http");

        if (doEngine) {
            engine.run(warmupTasks);
        }
        if (doHttp) {
            http.run(warmupTasks);
        }
        List<RunResult> engineRuns = new ArrayList<>();
        List<RunResult> httpRuns = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            // alternate which kind goes first, so neither always runs on a warmer (or more tired) machine
            boolean engineFirst = r % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean engineTurn = (k == 0) == engineFirst;
                if (engineTurn && doEngine) {
                    engineRuns.add(report("engine", r, engine.run(tasks)));
                } else if (!engineTurn && doHttp) {
                    httpRuns.add(report("http", r, http.run(tasks)));
                }
            }
        }

        System.out.println();
        System.out.println(DiskProbe.describe(fixture.dataRoot()) + " (after)");
        Table table = new Table("path", "clients", "submitted/s", "completed/s", "start p50 ms", "start p99 ms",
                "request p50 ms", "request p99 ms", "cores busy");
        if (doEngine) {
            summary(table, "engine (Orchestrator.submit)", submitters + " threads", engineRuns);
        }
        if (doHttp) {
            summary(table, "HTTP POST /workflows/servers/create", concurrency + " in flight", httpRuns);
        }
        table.print(System.out);
        System.out.println("medians of " + runs + " runs; start = started_at - created_at; "
                + "request = HTTP round trip at the client; cores busy = JVM CPU time / wall time");
        return 0;
    }

    private static RunResult report(String kind, int round, RunResult result) {
        System.out.printf("  run %d %-6s  submitted %,8.0f/s  completed %,8.0f/s  start p50 %6.1f ms  p99 %7.1f ms"
                        + "  cores busy %.2f%n",
                round + 1, kind, result.submittedPerSecond(), result.completedPerSecond(),
                Stats.percentile(result.startLatency(), 50) / 1000.0,
                Stats.percentile(result.startLatency(), 99) / 1000.0, result.coresBusy());
        return result;
    }

    private static void summary(Table table, String path, String clients, List<RunResult> runs) {
        boolean http = runs.get(0).requestLatency().length > 0;
        table.row(path, clients,
                Table.f0(median(runs, RunResult::submittedPerSecond)),
                Table.f0(median(runs, RunResult::completedPerSecond)),
                Table.f2(median(runs, r -> Stats.percentile(r.startLatency(), 50) / 1000.0)),
                Table.f2(median(runs, r -> Stats.percentile(r.startLatency(), 99) / 1000.0)),
                http ? Table.f2(median(runs, r -> Stats.percentile(r.requestLatency(), 50) / 1000.0)) : "-",
                http ? Table.f2(median(runs, r -> Stats.percentile(r.requestLatency(), 99) / 1000.0)) : "-",
                Table.f2(median(runs, RunResult::coresBusy)));
    }

    private static double median(List<RunResult> runs, Function<RunResult, Double> figure) {
        return Stats.median(runs.stream().map(figure).toList());
    }
}
