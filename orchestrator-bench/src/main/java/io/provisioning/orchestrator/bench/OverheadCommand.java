package io.provisioning.orchestrator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the orchestrator adds to each Nushell task: N trivial tasks through the orchestrator
 * against N bare runs of the same command line at the same parallelism, side by side, alternating
 * which goes first in each round.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = "Orchestrator overhead per Nushell task: orchestrated vs bare nu runs at the same parallelism.")
final class OverheadCommand implements Callable<Integer> {
    @Mixin
    BenchMain.Common common;

    @Option(names = "--tasks", defaultValue = "200", description = "tasks per measurement (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--parallelism", split = ",",
            description = "workers / concurrent bare runs, one or more, e.g. 2,4 (default: the number of cores)")
    List<Integer> parallelism = List.of(Runtime.getRuntime().availableProcessors());

    @Option(names = "--rounds", defaultValue = "3", description = "rounds of (bare, orchestrated) per parallelism (default: ${DEFAULT-VALUE})")
    int rounds;

    @Override
    public Integer call() throws Exception {
        BenchFixture fixture = common.fixture();
        BareNushell bare = new BareNushell(fixture);
        OrchestratedNushell orchestrated = new OrchestratedNushell(fixture);
        System.out.println(Machine.describe(fixture.dataRoot()));
        System.out.println("overhead: " + tasks + " tasks per measurement, " + rounds + " rounds, script: "
                + String.join(" ", bare.commandLine()));
        String out = bare.runOnce();
        if (!out.contains("\"progress\"")) {
            System.err.println("bench: the script printed no progress line: " + out);
            return 1;
        }
        // warm-up: JIT, page cache for nu, and Nushell's first-run config files
        bare.run(20, 2);
        orchestrated.run(20, 2);

        Table table = new Table("parallelism P", "bare s (median)", "orchestrated s (median)", "bare ms/task",
                "orchestrated ms/task", "ratio (median of rounds)", "ratio range");
        for (int p : parallelism) {
            List<Double> bareSeconds = new ArrayList<>();
            List<Double> orchestratedSeconds = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double b;
                double o;
                if (r % 2 == 0) {
                    b = bare.run(tasks, p);
                    o = orchestrated.run(tasks, p);
                } else {
                    o = orchestrated.run(tasks, p);
                    b = bare.run(tasks, p);
                }
                bareSeconds.add(b);
                orchestratedSeconds.add(o);
                ratios.add(o / b);
                System.out.printf("  P=%d round %d (%s first)  bare %6.2f s  orchestrated %6.2f s  ratio %.3f%n",
                        p, r + 1, r % 2 == 0 ? "bare" : "orchestrated", b, o, o / b);
            }
            double bm = Stats.median(bareSeconds);
            double om = Stats.median(orchestratedSeconds);
            table.row(p, Table.f2(bm), Table.f2(om), Table.f2(bm * 1000 * p / tasks), Table.f2(om * 1000 * p / tasks),
                    String.format("%.3f", Stats.median(ratios)),
                    String.format("%.3f-%.3f", ratios.stream().mapToDouble(d -> d).min().orElse(0),
                            ratios.stream().mapToDouble(d -> d).max().orElse(0)));
        }
        System.out.println();
        table.print(System.out);
        System.out.println("ms/task = wall time x P / tasks (time one worker spends per task); target ratio <= 1.15");
        return 0;
    }
}
