package io.provisioning.orchestrator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Fan-out of {@code GET /events}: many subscribers on a real server on loopback, every one of
 * which must receive every status change of every task, in order per task.
 */
@Command(name = "sse", mixinStandardHelpOptions = true,
        description = "SSE fan-out: N subscribers on GET /events, M tasks submitted; checks that every subscriber "
                + "got every event and times the delivery. Exits 1 if any event was missed.")
final class SseCommand implements Callable<Integer> {
    @Mixin
    BenchMain.Common common;

    @Option(names = "--subscribers", defaultValue = "100", description = "concurrent GET /events streams (default: ${DEFAULT-VALUE})")
    int subscribers;

    @Option(names = "--tasks", defaultValue = "1000", description = "tasks submitted per run (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--concurrency", defaultValue = "8", description = "POST requests in flight (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--workers", defaultValue = "4", description = "engine workers (default: ${DEFAULT-VALUE}, the server's default)")
    int workers;

    @Option(names = "--runs", defaultValue = "3", description = "runs, each on a fresh server (default: ${DEFAULT-VALUE})")
    int runs;

    @Override
    public Integer call() throws Exception {
        BenchFixture fixture = common.fixture();
        System.out.println(Machine.describe(fixture.dataRoot()));
        System.out.printf("sse: %d subscribers on GET /events, %,d tasks per run (POST /workflows/servers/create, %d in "
                        + "flight), %d workers, no-op executor, filesystem storage, %d runs; load average %s%n",
                subscribers, tasks, concurrency, workers, runs, Machine.loadAverage());
        SseFanOut fanOut = new SseFanOut(fixture, subscribers, concurrency, workers);
        // warm-up: JIT of the server, the client and the stream code; its deliveries are checked too
        SseFanOut.Result warmup = fanOut.run(Math.min(tasks, 200));
        boolean allDelivered = warmup.allDelivered();
        System.out.printf("  warm-up (%d tasks): missing %d, extra %d, complete %d/%d%n", warmup.tasks(), warmup.missing(),
                warmup.extra(), warmup.completeSubscribers(), subscribers);
        warmup.problems().forEach(problem -> System.out.println("    " + problem));
        List<SseFanOut.Result> results = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            SseFanOut.Result result = fanOut.run(tasks);
            results.add(result);
            allDelivered &= result.allDelivered();
            System.out.printf("  run %d  engine done %6.2f s  last subscriber done %6.2f s  %,9.0f events/s delivered"
                            + "  lag p50 %6.1f ms p99 %7.1f ms  missing %d  extra %d  complete %d/%d  (load %s)%n",
                    r + 1, result.engineSeconds(), result.deliveredSeconds(), result.eventsPerSecond(),
                    result.lagP50Ms(), result.lagP99Ms(), result.missing(), result.extra(), result.completeSubscribers(),
                    subscribers, Machine.loadAverage());
            for (String problem : result.problems()) {
                System.out.println("    " + problem);
            }
        }
        System.out.println();
        Table table = new Table("subscribers", "tasks", "events per subscriber", "first submit -> last task done s",
                "-> last subscriber got last event s", "events delivered/s (all subscribers)", "delivery lag p50 ms",
                "p99 ms", "missing events");
        table.row(subscribers, String.format("%,d", tasks), String.format("%,d", results.get(0).expectedPerSubscriber()),
                Table.f2(Stats.median(results.stream().map(SseFanOut.Result::engineSeconds).toList())),
                Table.f2(Stats.median(results.stream().map(SseFanOut.Result::deliveredSeconds).toList())),
                Table.f0(Stats.median(results.stream().map(SseFanOut.Result::eventsPerSecond).toList())),
                String.format("%.1f", Stats.median(results.stream().map(SseFanOut.Result::lagP50Ms).toList())),
                String.format("%.1f", Stats.median(results.stream().map(SseFanOut.Result::lagP99Ms).toList())),
                results.stream().mapToLong(SseFanOut.Result::missing).sum());
        table.print(System.out);
        System.out.println("medians of " + runs + " runs; missing: summed over all runs and subscribers. delivery lag = "
                + "from the engine publishing a status change to a subscriber reading it off its stream.");
        if (!allDelivered) {
            System.out.println("FAILED: some subscriber did not receive every event (see above)");
            return 1;
        }
        System.out.println("every subscriber received every event of every task, in order per task");
        return 0;
    }
}
