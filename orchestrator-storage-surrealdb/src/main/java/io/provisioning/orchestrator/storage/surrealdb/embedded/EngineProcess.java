package io.provisioning.orchestrator.storage.surrealdb.embedded;

import io.provisioning.orchestrator.storage.StorageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the engine host as a child process: {@code node server.mjs --bind 127.0.0.1:PORT
 * --path surrealkv:///DIR --exit-with-stdin}, credentials in its environment. Ready once it prints
 * {@code LISTENING host:port}. Its stdin stays open: if this JVM dies, even by SIGKILL, the host
 * sees end of file and shuts down cleanly.
 */
public final class EngineProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineProcess.class);
    private static final int STDERR_LINES_KEPT = 40;

    private final Process process;
    private final OutputStream stdin;
    private final int port;
    private final Deque<String> stderrTail;

    private EngineProcess(Process process, int port, Deque<String> stderrTail) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.port = port;
        this.stderrTail = stderrTail;
    }

    /**
     * Starts the host and waits until it answers.
     *
     * @param storage  {@code surrealkv:///abs/dir}, {@code rocksdb:///abs/dir} or {@code mem://}
     * @param port     0 for any free loopback port
     */
    public static EngineProcess start(EngineHost host, String storage, int port, String user, String password,
            Duration startTimeout) {
        List<String> command = new ArrayList<>(List.of(host.node(), host.script().toString(),
                "--bind", "127.0.0.1:" + port, "--path", storage, "--exit-with-stdin", "--log", "warn"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(host.script().getParent().toFile());
        builder.environment().put("SURREAL_USER", user);
        builder.environment().put("SURREAL_PASS", password); // not an argument: arguments show in ps
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new StorageException("cannot start the SurrealDB engine host (" + host.node() + " " + host.script()
                    + "): " + e.getMessage() + "; is Node.js installed?", e);
        }
        Deque<String> stderrTail = new ArrayDeque<>();
        Thread.ofVirtual().name("surrealdb-engine-stderr").start(() -> pump(process, stderrTail));
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread.ofVirtual().name("surrealdb-engine-stdout").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("LISTENING ")) {
                        listening.complete(Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IOException("the engine host ended before it listened"));
        });
        try {
            int bound = listening.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new EngineProcess(process, bound, stderrTail);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while starting the SurrealDB engine");
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            waitQuietly(process, Duration.ofSeconds(5));
            String why = e instanceof TimeoutException ? "it did not answer within " + startTimeout.toSeconds() + " s"
                    : "it exited with code " + exitCode(process);
            throw new StorageException("the SurrealDB engine host could not start on " + storage + ": " + why
                    + tail(stderrTail));
        }
    }

    private static void pump(Process process, Deque<String> tail) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                LOG.info("engine: {}", line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > STDERR_LINES_KEPT) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    public URI url() {
        return URI.create("ws://127.0.0.1:" + port + "/rpc");
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** What the host last wrote to stderr, for error messages. */
    public String stderrTail() {
        return tail(stderrTail);
    }

    /** Kills the host with SIGKILL, as a crash would (tests). */
    public void kill() {
        process.destroyForcibly();
        waitQuietly(process, Duration.ofSeconds(10));
    }

    /** Closes stdin (the host then frees the engine: flush, release the lock) and waits; SIGTERM, then SIGKILL, if it lingers. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed
        }
        if (!waitQuietly(process, Duration.ofSeconds(20))) {
            process.destroy();
            if (!waitQuietly(process, Duration.ofSeconds(5))) {
                process.destroyForcibly();
                waitQuietly(process, Duration.ofSeconds(5));
            }
        }
    }

    private static boolean waitQuietly(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String exitCode(Process process) {
        return process.isAlive() ? "?" : Integer.toString(process.exitValue());
    }

    private static String tail(Deque<String> lines) {
        synchronized (lines) {
            return lines.isEmpty() ? "" : "\n" + String.join("\n", lines);
        }
    }

    static String storageUrl(String engine, Path dir) {
        return engine + "://" + dir.toAbsolutePath().normalize();
    }
}
