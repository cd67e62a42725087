package io.provisioning.orchestrator.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The baseline: the same command line the orchestrator would run, started {@code tasks} times,
 * {@code parallelism} at a time, with nothing around it but reading its output.
 */
final class BareNushell {
    private final BenchFixture fixture;
    private final List<String> commandLine;

    BareNushell(BenchFixture fixture) {
        this.fixture = fixture;
        this.commandLine = fixture.task().pending(Instant.now()).commandLine();
    }

    List<String> commandLine() {
        return commandLine;
    }

    /** Seconds from the first start to the last exit. */
    double run(int tasks, int parallelism) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<?>> runs = new ArrayList<>(tasks);
            long t0 = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                runs.add(pool.submit(this::runOnce));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One run; returns its stdout and fails unless it exits 0. */
    String runOnce() {
        ProcessBuilder builder = new ProcessBuilder(commandLine)
                .directory(fixture.workspace().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = builder.environment();
        env.put("PROVISIONING_TASK_ID", UUID.randomUUID().toString());
        env.put("PROVISIONING_ATTEMPT", "1");
        env.put("NO_COLOR", "1");
        try {
            Process process = builder.start();
            StringBuilder out = new StringBuilder();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    out.append(line).append('\n');
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", commandLine) + " exited " + exit);
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
