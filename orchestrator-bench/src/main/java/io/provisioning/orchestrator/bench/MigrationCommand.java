package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.MigrationProgress;
import io.provisioning.orchestrator.storage.migration.MigrationReport;
import io.provisioning.orchestrator.storage.migration.OfflineMigration;
import io.provisioning.orchestrator.task.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Offline migration speed: a source store is filled once per backend with {@code --tasks}
 * realistic tasks ({@link MigrationTasks}), closed, and then each pair is migrated with
 * {@link OfflineMigration} (copy, then read the target back and compare content hashes) into an
 * empty target, as {@code provisioning migrate} would.
 */
@Command(name = "migration", mixinStandardHelpOptions = true,
        description = "Offline migration of N tasks between storage backends: tasks/s for the copy and for copy + verification.")
final class MigrationCommand implements Callable<Integer> {
    @Mixin
    BenchMain.Common common;

    @Option(names = "--tasks", defaultValue = "100000", description = "tasks in the source store (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--pairs", split = ",",
            defaultValue = "filesystem:surrealdb-embedded,surrealdb-embedded:filesystem,filesystem:filesystem",
            description = "source:target pairs (default: ${DEFAULT-VALUE}); surrealdb-server runs on an engine host started here")
    List<String> pairs;

    @Option(names = "--runs", defaultValue = "3", description = "migrations of each pair, into a new target each time (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--batch-size", defaultValue = "1000", description = "tasks per read and per write (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--writers", defaultValue = "2", description = "batches written at once (default: ${DEFAULT-VALUE})")
    int writers;

    record Measured(MigrationReport report, double sourceOpenSeconds, double targetCloseSeconds) {
        double copyRate() {
            return report.copyRate();
        }

        double wholeRate() {
            return report.copied() / (report.totalTime().toNanos() / 1e9);
        }

        double verifySeconds() {
            return report.totalTime().minus(report.copyTime()).toNanos() / 1e9;
        }
    }

    @Override
    public Integer call() throws Exception {
        BenchFixture fixture = common.fixture();
        System.out.println(Machine.describe(fixture.dataRoot()));
        System.out.println(DiskProbe.describe(fixture.dataRoot()));
        System.out.printf("migration: %,d tasks (60%% Completed, 10%% Failed, 5%% Cancelled, 20%% Pending and queued, "
                + "5%% Running), batches of %,d, %d writers, %d runs of each pair%n", tasks, batchSize, writers, runs);
        Map<String, StorageBackend> backends = new LinkedHashMap<>();
        Map<String, Path> sources = new LinkedHashMap<>();
        Map<String, List<Measured>> results = new LinkedHashMap<>();
        try {
            for (String pair : pairs) {
                String[] ends = split(pair);
                for (String type : ends) {
                    if (!backends.containsKey(type)) {
                        backends.put(type, StorageBackend.of(type, fixture, common.postgres()));
                    }
                }
                if (!sources.containsKey(ends[0])) {
                    sources.put(ends[0], fill(fixture, backends.get(ends[0])));
                }
                results.put(pair, new ArrayList<>());
            }
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < pairs.size(); k++) {
                    String pair = pairs.get((r + k) % pairs.size());
                    String[] ends = split(pair);
                    Measured m = migrate(fixture, backends.get(ends[0]), sources.get(ends[0]), backends.get(ends[1]));
                    results.get(pair).add(m);
                    System.out.printf("  run %d %-40s copy %,8.0f tasks/s  copy+verify %,8.0f tasks/s  (copy %.1f s, "
                                    + "verify %.1f s; source open %.1f s, target close %.1f s)%n", r + 1,
                            ends[0] + " -> " + ends[1], m.copyRate(), m.wholeRate(), m.report().copyTime().toNanos() / 1e9,
                            m.verifySeconds(), m.sourceOpenSeconds(), m.targetCloseSeconds());
                }
            }
        } finally {
            sources.values().forEach(BenchFixture::delete);
            for (StorageBackend backend : backends.values()) {
                backend.close();
            }
        }

        System.out.println();
        Table table = new Table("from -> to", "tasks", "copy tasks/s", "copy+verify tasks/s", "copy s", "verify s",
                "target close s", "source open s");
        results.forEach((pair, list) -> table.row(pair.replace(":", " -> "), String.format("%,d", tasks),
                Table.f0(median(list, Measured::copyRate)), Table.f0(median(list, Measured::wholeRate)),
                Table.f2(median(list, m -> m.report().copyTime().toNanos() / 1e9)), Table.f2(median(list, Measured::verifySeconds)),
                Table.f2(median(list, Measured::targetCloseSeconds)), Table.f2(median(list, Measured::sourceOpenSeconds))));
        table.print(System.out);
        System.out.println("medians of " + runs + " runs; copy = OfflineMigration's copy phase; copy+verify = the whole "
                + "run() (count, copy, read the target back, compare hashes); close and open are outside both");
        return 0;
    }

    /** A source store of this backend with the benchmark's tasks, closed; returns its data dir. */
    private Path fill(BenchFixture fixture, StorageBackend backend) {
        Path dir = fixture.newDataDir("migration-source-" + backend.type());
        MigrationTasks generator = new MigrationTasks(fixture);
        long t0 = System.nanoTime();
        try (TaskStorage store = backend.open(dir)) {
            for (long first = 0; first < tasks; first += batchSize) {
                Set<String> queued = new HashSet<>();
                List<Task> batch = generator.batch(first, (int) Math.min(batchSize, tasks - first), queued);
                store.importBatch(batch, queued);
            }
        }
        System.out.printf("  source %s: %,d tasks written and closed in %.1f s%n", backend.type(), tasks,
                (System.nanoTime() - t0) / 1e9);
        return dir;
    }

    private Measured migrate(BenchFixture fixture, StorageBackend from, Path sourceDir, StorageBackend to) {
        Path targetDir = fixture.newDataDir("migration-target-" + to.type());
        try {
            long t0 = System.nanoTime();
            try (TaskStorage source = from.open(sourceDir)) {
                double opened = (System.nanoTime() - t0) / 1e9;
                TaskStorage target = to.open(targetDir);
                MigrationReport report;
                try {
                    report = new OfflineMigration(source, target, new OfflineMigration.Settings(batchSize, writers, false),
                            MigrationProgress.NONE).run();
                } catch (RuntimeException e) {
                    target.close();
                    throw e;
                }
                long c0 = System.nanoTime();
                target.close();
                double closed = (System.nanoTime() - c0) / 1e9;
                if (report.copied() != tasks) {
                    throw new IllegalStateException("migrated " + report.copied() + " of " + tasks + " tasks");
                }
                return new Measured(report, opened, closed);
            }
        } finally {
            BenchFixture.delete(targetDir);
        }
    }

    private static String[] split(String pair) {
        String[] ends = pair.split(":");
        if (ends.length != 2) {
            throw new IllegalArgumentException("--pairs takes source:target, e.g. filesystem:surrealdb-embedded, not " + pair);
        }
        return ends;
    }

    private static double median(List<Measured> list, java.util.function.Function<Measured, Double> figure) {
        return Stats.median(list.stream().map(figure).toList());
    }
}
