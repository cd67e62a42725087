package io.provisioning.orchestrator.storage.surrealdb;

import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageFactory;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.surrealdb.embedded.EngineHost;
import io.provisioning.orchestrator.storage.surrealdb.embedded.EngineSupervisor;
import io.provisioning.orchestrator.storage.surrealdb.embedded.HungEngineWatch;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealClient;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * {@code --storage-type surrealdb-embedded}: the real SurrealDB engine, file-backed under
 * {@code <data-dir>/surrealdb}, run by this service as a supervised child process on a loopback
 * port with a password made for this run. Options: {@code surrealdb-engine} ({@code rocksdb}, the
 * default, or {@code surrealkv}), {@code surrealdb-node} and {@code surrealdb-host-script} (where
 * Node.js and the engine host are; see {@link EngineHost#locate}). RocksDB is the default because
 * with SurrealKV the engine (3.0.2) can let two concurrent conditional updates of one record both
 * commit; a single node does not rely on that, several nodes on one database do.
 */
public final class SurrealEmbeddedStorageFactory implements StorageFactory {
    public static final String TYPE = "surrealdb-embedded";
    /** How long the engine may leave the client without an answer before it is killed and restarted. */
    private static final Duration HUNG_ENGINE_PATIENCE = Duration.ofSeconds(10);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TaskStorage open(Path dataDir, Map<String, String> options) {
        String engine = options.getOrDefault("surrealdb-engine", "rocksdb");
        if (!engine.equals("surrealkv") && !engine.equals("rocksdb")) {
            throw new StorageException("surrealdb-engine must be surrealkv or rocksdb, not " + engine);
        }
        Path dir = dataDir.toAbsolutePath().normalize().resolve("surrealdb");
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        EngineSupervisor supervisor = EngineSupervisor.start(EngineHost.locate(options), engine + "://" + dir, "root",
                password);
        try {
            SurrealOptions surreal = SurrealOptions.of(supervisor.url().toString(), "root", password, "orchestrator", "tasks");
            SurrealClient client = SurrealServerStorageFactory.connect(surreal);
            client.addConnectionListener(new HungEngineWatch(client, supervisor, HUNG_ENGINE_PATIENCE));
            return new SurrealTaskStorage(client, new SurrealTaskStorage.Settings(TYPE, false, "embedded", Duration.ofSeconds(10)),
                    supervisor);
        } catch (RuntimeException e) {
            supervisor.close();
            throw e;
        }
    }
}
