package io.provisioning.orchestrator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A SurrealDB server for the {@code surrealdb-server} runs: the real engine (RocksDB, files under
 * {@code dir}) behind SurrealDB's WebSocket RPC, served by this repo's engine host
 * ({@code surrealdb-host/server.mjs}) in a process of its own on a free loopback port.
 */
final class EngineHostServer implements AutoCloseable {
    private static final String PASSWORD = "bench-secret";
    private final Process process;
    private final int port;
    private final Path dir;

    private EngineHostServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static EngineHostServer start(Path dir) throws IOException {
        Path home = Path.of(System.getProperty("orchestrator.home", "."));
        Path script = home.resolve("surrealdb-host/server.mjs").toAbsolutePath().normalize();
        if (!Files.isRegularFile(script) || !Files.isDirectory(home.resolve("node_modules/@surrealdb/node"))) {
            throw new IllegalStateException("the SurrealDB engine host is missing: need " + script
                    + " and node_modules/@surrealdb/node (run 'npm ci' in " + home + ")");
        }
        String node = System.getenv().getOrDefault("ORCHESTRATOR_NODE", "node");
        ProcessBuilder builder = new ProcessBuilder(node, script.toString(), "--bind", "127.0.0.1:0",
                "--path", "rocksdb://" + dir.toAbsolutePath().normalize(), "--exit-with-stdin", "--log", "warn")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SURREAL_USER", "root");
        builder.environment().put("SURREAL_PASS", PASSWORD);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            process.destroyForcibly();
            throw new IllegalStateException("the SurrealDB engine host did not start (it said: " + line + ")");
        }
        return new EngineHostServer(process, Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim()), dir);
    }

    /** The {@code --storage-type surrealdb-server} options for database {@code database} on this server. */
    Map<String, String> options(String database) {
        return Map.of("surrealdb-url", "ws://127.0.0.1:" + port, "surrealdb-username", "root",
                "surrealdb-password", PASSWORD, "surrealdb-database", database);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close(); // --exit-with-stdin: a clean stop
        } catch (IOException ignored) {
            // gone already
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        BenchFixture.delete(dir);
    }
}
