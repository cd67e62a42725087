package io.provisioning.orchestrator.cli.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SurrealDB server for the tests: the real engine behind SurrealDB's WebSocket RPC, through the
 * project's engine host (surrealdb-host/server.mjs), as the storage and server tests run it (no
 * {@code surreal} binary can be installed here). File-backed in a temp dir.
 */
public final class SurrealServer implements AutoCloseable {
    public static final String USER = "root";
    public static final String PASSWORD = "cli-test-secret";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final Process process;
    private final int port;

    private SurrealServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static SurrealServer start(Path dir) {
        Path script = TestPaths.repoRoot().resolve("surrealdb-host/server.mjs");
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), "--bind", "127.0.0.1:0",
                "--path", "rocksdb://" + dir.resolve("engine").toAbsolutePath(), "--exit-with-stdin", "--log", "warn")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SURREAL_USER", USER);
        builder.environment().put("SURREAL_PASS", PASSWORD);
        try {
            Process process = builder.start();
            String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (line == null || !line.startsWith("LISTENING ")) {
                process.destroyForcibly();
                throw new IllegalStateException("the SurrealDB engine host did not start: " + line
                        + " (run 'npm ci' in " + TestPaths.repoRoot() + ")");
            }
            return new SurrealServer(process, Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "ws://127.0.0.1:" + port;
    }

    /** A database name no other test uses. */
    public static String uniqueDatabase() {
        return "db" + DATABASES.incrementAndGet();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // --exit-with-stdin: a clean stop
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
