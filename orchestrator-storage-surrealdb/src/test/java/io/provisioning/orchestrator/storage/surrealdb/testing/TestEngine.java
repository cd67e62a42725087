package io.provisioning.orchestrator.storage.surrealdb.testing;

import io.provisioning.orchestrator.storage.surrealdb.embedded.EngineHost;
import io.provisioning.orchestrator.storage.surrealdb.embedded.EngineProcess;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real SurrealDB engine for tests, through this project's engine host (no {@code surreal}
 * binary can be installed here): file-backed in a temp dir, restartable on the same port.
 */
public final class TestEngine implements AutoCloseable {
    public static final String USER = "root";
    public static final String PASS = "test-secret";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dir;
    private EngineProcess process;
    private int port;

    private TestEngine(Path dir) {
        this.dir = dir;
    }

    public static TestEngine start(Path dir) {
        TestEngine engine = new TestEngine(dir);
        engine.process = EngineProcess.start(EngineHost.locate(Map.of()), storage(dir), 0, USER, PASS,
                Duration.ofSeconds(60));
        engine.port = engine.process.port();
        return engine;
    }

    private static String storage(Path dir) {
        return "rocksdb://" + dir.resolve("engine").toAbsolutePath();
    }

    public String url() {
        return "ws://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Options for a database of its own, so tests sharing one engine do not see each other. */
    public SurrealOptions freshDatabase() {
        return SurrealOptions.of(url(), USER, PASS, "test", "db" + DATABASES.incrementAndGet());
    }

    public Map<String, String> storageOptions(String database) {
        return Map.of("surrealdb-url", url(), "surrealdb-username", USER, "surrealdb-password", PASS,
                "surrealdb-namespace", "test", "surrealdb-database", database);
    }

    public static String uniqueDatabase() {
        return "db" + DATABASES.incrementAndGet();
    }

    /** SIGKILL, as a crash. */
    public void kill() {
        process.kill();
    }

    /** A clean stop: the host frees the engine and exits. */
    public void stop() {
        process.close();
    }

    /** Starts it again on the same files and the same port. */
    public void restart() {
        process = EngineProcess.start(EngineHost.locate(Map.of()), storage(dir), port, USER, PASS, Duration.ofSeconds(60));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.close();
    }
}
