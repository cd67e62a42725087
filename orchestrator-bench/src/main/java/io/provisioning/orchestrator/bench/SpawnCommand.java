package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.engine.OrchestratorConfig;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.NushellExecutor;
import io.provisioning.orchestrator.storage.filesystem.FilesystemTaskStorage;
import io.provisioning.orchestrator.task.TaskBuilder;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trivial processes, side by side in one run: P shell loops each running the command N/P times
 * (the floor: fork and exec, nothing else), P Java threads starting it with {@link ProcessBuilder}
 * (this JVM's launch mechanism), and the engine running N tasks of that command with P workers and
 * the real {@link NushellExecutor} on filesystem storage (every state change durable). Rounds
 * alternate which goes first.
 */
@Command(name = "spawn", mixinStandardHelpOptions = true,
        description = "Trivial-process tasks/s: shell loops vs Java ProcessBuilder vs the engine's tasks, same parallelism.")
final class SpawnCommand implements Callable<Integer> {
    @Mixin
    BenchMain.Common common;

    @Option(names = "--tasks", defaultValue = "400", description = "processes per measurement (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--parallelism", split = ",", defaultValue = "2,4",
            description = "shell loops / Java threads / workers, one or more (default: ${DEFAULT-VALUE})")
    List<Integer> parallelism;

    @Option(names = "--rounds", defaultValue = "3", description = "rounds per parallelism (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--command", defaultValue = "/bin/true", description = "the trivial command (default: ${DEFAULT-VALUE})")
    String command;

    @Override
    public Integer call() throws Exception {
        BenchFixture fixture = common.fixture();
        System.out.println(Machine.describe(fixture.dataRoot()));
        System.out.println("spawn: " + tasks + " runs of " + command + " per measurement, " + rounds
                + " rounds, launch mechanism " + System.getProperty("jdk.lang.Process.launchMechanism", "(JDK default)")
                + ", load average " + Machine.loadAverage());
        shell(40, 2);
        java(40, 2);
        engine(fixture, 40, 2);
        Table table = new Table("P", "shell loop /s", "Java ProcessBuilder /s", "engine tasks /s", "engine / shell",
                "engine / Java", "engine JVM CPU ms/task");
        for (int p : parallelism) {
            List<Double> sh = new ArrayList<>();
            List<Double> jv = new ArrayList<>();
            List<Double> en = new ArrayList<>();
            List<Double> vsShell = new ArrayList<>();
            List<Double> vsJava = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double s;
                double j;
                double e;
                if (r % 2 == 0) {
                    s = shell(tasks, p);
                    j = java(tasks, p);
                    e = engine(fixture, tasks, p);
                } else {
                    e = engine(fixture, tasks, p);
                    j = java(tasks, p);
                    s = shell(tasks, p);
                }
                sh.add(s);
                jv.add(j);
                en.add(e);
                vsShell.add(e / s);
                vsJava.add(e / j);
                cpu.add(lastEngineCpuMillisPerTask);
                System.out.printf("  P=%d round %d  shell %6.0f/s  java %6.0f/s  engine %6.0f/s  engine/shell %.2f  (load %s)%n",
                        p, r + 1, s, j, e, e / s, Machine.loadAverage());
            }
            table.row(p, Table.f2(Stats.median(sh)), Table.f2(Stats.median(jv)), Table.f2(Stats.median(en)),
                    String.format("%.2f", Stats.median(vsShell)), String.format("%.2f", Stats.median(vsJava)),
                    Table.f2(Stats.median(cpu)));
        }
        System.out.println();
        table.print(System.out);
        System.out.println("per second = runs / wall time; ratios are medians of the rounds' ratios; JVM CPU: all of"
                + " this JVM's threads during the engine run (the launcher's and the scripts' CPU not included)");
        return 0;
    }

    /** P bash loops, each running the command its share of times; runs per second. */
    private double shell(int n, int p) throws Exception {
        List<Process> loops = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < p; i++) {
            int share = n / p + (i < n % p ? 1 : 0);
            loops.add(new ProcessBuilder("bash", "-c", "for ((i = 0; i < $1; i++)); do \"$2\"; done", "loop",
                    Integer.toString(share), command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        }
        for (Process loop : loops) {
            if (loop.waitFor() != 0) {
                throw new IllegalStateException("the shell loop failed");
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** P threads starting the command with ProcessBuilder (pipes read as a task's are); runs per second. */
    private double java(int n, int p) throws Exception {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < p; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (next.getAndIncrement() < n) {
                    try {
                        Process process = new ProcessBuilder(command)
                                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                        process.getInputStream().readAllBytes();
                        process.getErrorStream().readAllBytes();
                        process.waitFor();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private double lastEngineCpuMillisPerTask;

    /** The engine: n tasks of the command submitted up front, p workers; tasks completed per second. */
    private double engine(BenchFixture fixture, int n, int p) throws Exception {
        Path dataDir = fixture.newDataDir("spawn");
        TaskEventBus events = new TaskEventBus();
        CompletionWatch watch = new CompletionWatch(n);
        events.subscribe(watch);
        FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir);
        NushellExecutor executor = new NushellExecutor(new NushellExecutor.Settings(fixture.workspace(),
                dataDir.resolve("state"), () -> "http://127.0.0.1:9", Duration.ofSeconds(5)));
        Orchestrator orchestrator = new Orchestrator(OrchestratorConfig.defaults().withWorkers(p), storage, executor,
                Clock.systemUTC(), events);
        try {
            List<TaskBuilder> builders = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                builders.add(fixture.task());
            }
            orchestrator.start();
            double cpu0 = RunResult.processCpuSeconds();
            long t0 = System.nanoTime();
            for (TaskBuilder builder : builders) {
                orchestrator.submit(builder.command(command));
            }
            if (!watch.await(Duration.ofMinutes(5))) {
                throw new IllegalStateException("spawn: only " + watch.completed() + " of " + n + " tasks completed ("
                        + watch.failed() + " failed)");
            }
            lastEngineCpuMillisPerTask = (RunResult.processCpuSeconds() - cpu0) * 1000 / n;
            return n / ((watch.lastCompletionNanos() - t0) / 1e9);
        } finally {
            orchestrator.close();
            storage.close();
            BenchFixture.delete(dataDir);
        }
    }
}
