package io.provisioning.orchestrator.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The engine throughput run of {@code throughput} on each storage backend side by side, in
 * alternating order, with each backend's completed/s over filesystem's.
 */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "Engine throughput (submit, claim, complete; no-op executor) on each storage backend, side by side.")
final class BackendsCommand implements Callable<Integer> {
    @Mixin
    BenchMain.Common common;

    @Option(names = "--storage", split = ",", defaultValue = "filesystem,surrealdb-embedded,surrealdb-server,postgresql",
            description = "backends to compare, the first is the reference (default: ${DEFAULT-VALUE})")
    List<String> types;

    @Option(names = "--tasks", defaultValue = "5000", description = "tasks per run (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--runs", defaultValue = "3", description = "measured runs per backend (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup-tasks", defaultValue = "1000", description = "tasks of the unmeasured first run of each (default: ${DEFAULT-VALUE})")
    int warmupTasks;

    @Option(names = "--submitters", defaultValue = "64", description = "threads calling submit (default: ${DEFAULT-VALUE})")
    int submitters;

    @Option(names = "--workers", defaultValue = "64", description = "engine workers, i.e. tasks in flight (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--queued-first", description = "submit every task of a run before the workers start, and time "
            + "completed/s from their start (the drain of a full queue, as db-scheduler's harness measures exec/s)")
    boolean queuedFirst;

    @Override
    public Integer call() throws Exception {
        BenchFixture fixture = common.fixture();
        System.out.println(Machine.describe(fixture.dataRoot()));
        System.out.println(DiskProbe.describe(fixture.dataRoot()));
        System.out.printf("backends: %,d tasks per run, %d runs of each after a %,d-task warm-up; %d submitters, "
                + "%d workers, no-op executor; order rotates each round%s%n", tasks, runs, warmupTasks, submitters, workers,
                queuedFirst ? "; queued first: completed/s from the workers' start, after every submission was stored" : "");
        Map<String, StorageBackend> backends = new LinkedHashMap<>();
        Map<String, List<RunResult>> results = new LinkedHashMap<>();
        try {
            for (String type : types) {
                backends.put(type, StorageBackend.of(type, fixture, common.postgres()));
                results.put(type, new ArrayList<>());
            }
            for (StorageBackend backend : backends.values()) {
                engine(fixture, backend).run(warmupTasks);
            }
            List<StorageBackend> order = new ArrayList<>(backends.values());
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < order.size(); k++) {
                    StorageBackend backend = order.get((r + k) % order.size());
                    RunResult result = engine(fixture, backend).run(tasks);
                    results.get(backend.type()).add(result);
                    System.out.printf("  run %d %-18s submitted %,8.0f/s  completed %,8.0f/s  start p50 %7.1f ms"
                                    + "  JVM cores busy %.2f%n", r + 1, backend.type(), result.submittedPerSecond(),
                            result.completedPerSecond(), Stats.percentile(result.startLatency(), 50) / 1000.0,
                            result.coresBusy());
                }
            }
        } finally {
            for (StorageBackend backend : backends.values()) {
                backend.close();
            }
        }

        System.out.println();
        System.out.println(DiskProbe.describe(fixture.dataRoot()) + " (after)");
        String reference = types.get(0);
        double referenceRate = median(results.get(reference), true);
        Table table = new Table("storage", "submitted/s", "completed/s", "x " + reference, "start p50 ms",
                "start p99 ms", "JVM cores busy");
        results.forEach((type, list) -> table.row(type, Table.f0(median(list, false)), Table.f0(median(list, true)),
                Table.f2(median(list, true) / referenceRate),
                Table.f2(Stats.median(list.stream().map(r -> Stats.percentile(r.startLatency(), 50) / 1000.0).toList())),
                Table.f2(Stats.median(list.stream().map(r -> Stats.percentile(r.startLatency(), 99) / 1000.0).toList())),
                Table.f2(Stats.median(list.stream().map(RunResult::coresBusy).toList()))));
        table.print(System.out);
        System.out.println("medians of " + runs + " runs; x " + reference + " = median completed/s over " + reference
                + "'s; JVM cores busy leaves out the SurrealDB engine's and PostgreSQL's own processes");
        return 0;
    }

    private EngineThroughput engine(BenchFixture fixture, StorageBackend backend) {
        return new EngineThroughput(fixture, submitters, workers, backend::open, queuedFirst);
    }

    private static double median(List<RunResult> runs, boolean completed) {
        return Stats.median(runs.stream().map(r -> completed ? r.completedPerSecond() : r.submittedPerSecond()).toList());
    }
}
