package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One {@code --storage-type} as the benchmarks open it, exactly as the server would
 * ({@link StorageTypes#open}). {@code surrealdb-server} runs against one engine host started for
 * the whole benchmark, each store in a database of its own; {@code postgresql} on the server given
 * (bin/bench starts a throw-away one), each store in a schema of its own.
 */
final class StorageBackend implements AutoCloseable {
    private final String type;
    private final EngineHostServer server;
    private final PostgresServer postgres;

    private StorageBackend(String type, EngineHostServer server, PostgresServer postgres) {
        this.type = type;
        this.server = server;
        this.postgres = postgres;
    }

    /** Fails with the list of what is built in when {@code type} is not. */
    static StorageBackend of(String type, BenchFixture fixture, PostgresServer postgres) throws IOException {
        List<String> builtIn = StorageTypes.builtIn();
        if (!builtIn.contains(type)) {
            throw new IllegalArgumentException("storage type '" + type + "' is not in this build (built in: "
                    + String.join(", ", builtIn) + "); bin/bench builds with -Psurrealdb");
        }
        EngineHostServer server = type.equals("surrealdb-server")
                ? EngineHostServer.start(fixture.newDataDir("surrealdb-server")) : null;
        if (type.equals("postgresql") && postgres == null) {
            throw new IllegalArgumentException("postgresql needs a server: --postgresql-url (bin/bench starts one)");
        }
        return new StorageBackend(type, server, postgres);
    }

    String type() {
        return type;
    }

    /**
     * The store in {@code dataDir}, empty the first time; for surrealdb-server, in a database named
     * after {@code dataDir}, so opening the same dir again finds the same data.
     */
    TaskStorage open(Path dataDir) {
        if (type.equals("postgresql")) {
            return StorageTypes.open(type, dataDir, postgres.options(dataDir.getFileName().toString()));
        }
        Map<String, String> options = server == null ? Map.of()
                : server.options(dataDir.getFileName().toString().replaceAll("[^A-Za-z0-9]", "_"));
        return StorageTypes.open(type, dataDir, options);
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }
}
