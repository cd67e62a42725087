package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.server.OrchestratorApp;
import io.provisioning.orchestrator.storage.filesystem.FilesystemTaskStorage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Memory of a server holding many queued tasks: the whole app (HTTP server included) started
 * in-process with filesystem storage and an executor that never lets its attempts finish, so the
 * workers hold one task each and everything else stays queued.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Heap after GC and RSS of a server with many queued tasks.")
final class MemoryCommand implements Callable<Integer> {
    @Mixin
    BenchMain.Common common;

    @Option(names = "--tasks", defaultValue = "100000", description = "tasks to queue (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--workers", defaultValue = "4", description = "workers, each holding one parked task (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--submitters", defaultValue = "32", description = "threads calling submit (default: ${DEFAULT-VALUE})")
    int submitters;

    @Option(names = "--finished", defaultValue = "0",
            description = "Completed tasks written into the data dir through the storage SPI (importBatch) before the "
                    + "server starts; then restart-to-ready and GET /tasks?status=Pending are timed too (default: ${DEFAULT-VALUE})")
    int finished;

    @Option(names = "--keyed", description = "each of the --finished tasks carries an Idempotency-Key and has its key "
            + "record, as a keyed workflow submission leaves it")
    boolean keyed;

    /**
     * Where the data dir goes unless --data-root says otherwise: writing and removing 200,000 files
     * on a shared disk would take minutes and tell nothing about memory; tmpfs pages are not in the
     * process's RSS.
     */
    private static final Path TMPFS = Path.of("/dev/shm");

    record Snapshot(long heapUsed, long heapCommitted, long rssKb, long peakRssKb) {
        static Snapshot take() throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            return new Snapshot(heap.getUsed(), heap.getCommitted(), status("VmRSS"), status("VmHWM"));
        }

        private static long status(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // not Linux: report 0
            }
            return 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        BenchFixture fixture = common.fixture(TMPFS);
        System.out.println(Machine.describe(fixture.dataRoot()));
        System.out.printf("memory: %,d tasks queued on filesystem storage, %d workers parked on one task each%n",
                tasks, workers);
        Path dataDir = fixture.newDataDir("memory");
        if (finished > 0) {
            // a data dir of this build's formats, as a server leaves it (else the start would upgrade a "version 1" dir)
            io.provisioning.orchestrator.format.DataFormats.current().open(dataDir);
            FinishedTasks.write(dataDir, finished, keyed, fixture);
            long openNanos = System.nanoTime();
            try (FilesystemTaskStorage store = new FilesystemTaskStorage(dataDir)) {
                System.out.printf("the filesystem store alone opens in %.2f s (%,d tasks, %,d of them whole in memory)%n",
                        (System.nanoTime() - openNanos) / 1e9, store.count(), store.findUnfinished().size());
            }
        }
        ParkedExecutor executor = new ParkedExecutor();
        long startNanos = System.nanoTime();
        OrchestratorApp app = OrchestratorApp.start(fixture.serverOptions(dataDir, workers, Duration.ZERO), executor);
        double readySeconds = (System.nanoTime() - startNanos) / 1e9;
        try {
            Snapshot empty = Snapshot.take();
            List<HeapHistogram.Row> startedHistogram = HeapHistogram.take();
            if (finished > 0) {
                System.out.printf("start to ready (recovery, index of %,d finished tasks, HTTP listening): %.1f s%n",
                        finished, readySeconds);
            }
            long t0 = System.nanoTime();
            AtomicInteger next = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < submitters; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    while (next.getAndIncrement() < tasks) {
                        app.orchestrator().submit(fixture.task());
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            double submitSeconds = (System.nanoTime() - t0) / 1e9;
            boolean settled = waitForCheckpoint(dataDir.resolve("queue.rkvs/journal"), 180);
            double settleSeconds = (System.nanoTime() - t0) / 1e9 - submitSeconds;
            Snapshot full = Snapshot.take();
            int queued = app.orchestrator().queuedCount();

            System.out.printf("submitted %,d in %.1f s (%,.0f/s); task files written by the checkpointer %.1f s later%s%n",
                    tasks, submitSeconds, tasks / submitSeconds, settleSeconds, settled ? "" : " (NOT settled: figures include its backlog)");
            System.out.println();
            Table table = new Table("state", "queued", "heap used after GC MiB", "heap committed MiB", "RSS MiB",
                    "peak RSS MiB");
            table.row(finished > 0 ? String.format("server started, %,d finished", finished) : "server started, empty", 0, mib(empty.heapUsed()), mib(empty.heapCommitted()),
                    mib(empty.rssKb() * 1024), mib(empty.peakRssKb() * 1024));
            table.row(String.format("%,d tasks queued", tasks), String.format("%,d", queued), mib(full.heapUsed()),
                    mib(full.heapCommitted()), mib(full.rssKb() * 1024), mib(full.peakRssKb() * 1024));
            table.print(System.out);
            if (finished > 0) {
                System.out.printf("the first row holds the %,d finished tasks: %,.0f bytes of heap after GC per finished task%n",
                        finished, empty.heapUsed() / (double) finished);
                System.out.println();
                System.out.printf("server with %,d finished tasks, before any was queued:%n", finished);
                HeapHistogram.print(startedHistogram, finished, "finished task");
                System.out.println();
                FinishedTasks.timePendingListing(app.port(), 50);
            }
            System.out.println();
            System.out.printf("with %,d tasks queued (bytes per queued task over the started server):%n", tasks);
            HeapHistogram.print(HeapHistogram.take(), startedHistogram, tasks, "queued task");
            System.out.printf("per queued task: %,.0f bytes of heap after GC, %,.0f bytes of RSS%n",
                    (full.heapUsed() - empty.heapUsed()) / (double) tasks,
                    (full.rssKb() - empty.rssKb()) * 1024.0 / tasks);
            return 0;
        } finally {
            app.close(); // shutdown grace 0: the parked attempts are interrupted and stay queued
            BenchFixture.delete(dataDir);
        }
    }

    /**
     * The checkpointer is done when no journal segment holds a record any more (everything is in
     * task files): each is empty or starts with the zero bytes of a segment made ahead of time.
     */
    private static boolean waitForCheckpoint(Path journal, int maxSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean settled = true;
            try (Stream<Path> files = Files.list(journal)) {
                for (Path segment : files.filter(p -> p.getFileName().toString().startsWith("segment-")).toList()) {
                    settled &= holdsNoRecord(segment);
                }
            }
            if (settled) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private static boolean holdsNoRecord(Path segment) throws IOException {
        try (InputStream in = Files.newInputStream(segment)) {
            int first = in.read();
            return first <= 0;
        } catch (java.nio.file.NoSuchFileException dropped) {
            return true;
        }
    }

    private static String mib(long bytes) {
        return String.format("%,.1f", bytes / 1048576.0);
    }
}
