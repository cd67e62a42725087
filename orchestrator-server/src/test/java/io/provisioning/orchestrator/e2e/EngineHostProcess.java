package io.provisioning.orchestrator.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real SurrealDB engine behind SurrealDB's WebSocket RPC, through this project's engine host
 * (surrealdb-host/server.mjs), standing in for a SurrealDB server: no {@code surreal} binary can be
 * installed here. File-backed; can be stopped and started again on the same port and files.
 */
final class EngineHostProcess implements AutoCloseable {
    static final String PASSWORD = "cluster-secret";
    private final Path dir;
    private Process process;
    private int port;

    private EngineHostProcess(Path dir) {
        this.dir = dir;
    }

    static EngineHostProcess start(Path dir) throws Exception {
        EngineHostProcess host = new EngineHostProcess(dir);
        host.launch(0);
        return host;
    }

    private void launch(int onPort) throws Exception {
        Path script = Components.repoRoot().resolve("surrealdb-host/server.mjs");
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), "--bind", "127.0.0.1:" + onPort,
                "--path", "rocksdb://" + dir.resolve("engine").toAbsolutePath(), "--exit-with-stdin", "--log", "warn")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SURREAL_USER", "root");
        builder.environment().put("SURREAL_PASS", PASSWORD);
        process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            process.destroyForcibly();
            throw new IllegalStateException("the engine host did not start: " + line);
        }
        port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    }

    String url() {
        return "ws://127.0.0.1:" + port;
    }

    /** The server flags that point an orchestrator at this database. */
    String[] flags(String... more) {
        String[] base = {"--storage-type", "surrealdb-server", "--surrealdb-url", url(), "--surrealdb-username", "root",
                "--surrealdb-password", PASSWORD};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** A clean stop, as an operator's would be (the process ends; clients lose their connections). */
    void stop() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crash of the database would be: nothing is flushed or closed. */
    void kill9() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts again on the same port and files. */
    void restart() throws Exception {
        launch(port);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
    }
}
