package io.provisioning.orchestrator.storage.surrealdb;

import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageFactory;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealClient;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealException;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealOptions;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealRpcException;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * {@code --storage-type surrealdb-server}: a SurrealDB server that several orchestrator nodes
 * share. Options: {@code surrealdb-url} (required), {@code surrealdb-username},
 * {@code surrealdb-password}, {@code surrealdb-namespace} (orchestrator), {@code surrealdb-database}
 * (tasks), {@code surrealdb-lease-seconds} (10), {@code surrealdb-node-id} (else kept in
 * {@code <data-dir>/node-id}, so a restarted node knows its own leftovers).
 */
public final class SurrealServerStorageFactory implements StorageFactory {
    public static final String TYPE = "surrealdb-server";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TaskStorage open(Path dataDir, Map<String, String> options) {
        String url = options.get("surrealdb-url");
        if (url == null || url.isBlank()) {
            throw new StorageException("--storage-type surrealdb-server needs --surrealdb-url ws://HOST:PORT");
        }
        SurrealOptions surreal;
        try {
            surreal = SurrealOptions.of(url, options.getOrDefault("surrealdb-username", "root"),
                    options.getOrDefault("surrealdb-password", "root"),
                    options.getOrDefault("surrealdb-namespace", "orchestrator"),
                    options.getOrDefault("surrealdb-database", "tasks"));
        } catch (IllegalArgumentException e) {
            throw new StorageException("--surrealdb-url: " + e.getMessage());
        }
        Duration lease = Duration.ofSeconds(Long.parseLong(options.getOrDefault("surrealdb-lease-seconds", "10")));
        String nodeId = options.containsKey("surrealdb-node-id") ? options.get("surrealdb-node-id") : nodeId(dataDir);
        SurrealClient client = connect(surreal);
        try {
            return new SurrealTaskStorage(client, new SurrealTaskStorage.Settings(TYPE, true, nodeId, lease), null);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    static SurrealClient connect(SurrealOptions options) {
        try {
            return SurrealClient.connect(options);
        } catch (SurrealRpcException e) {
            if (e.isAuthenticationError()) {
                throw new StorageException("SurrealDB at " + options.url() + " refused the credentials of user '"
                        + options.username() + "' (check --surrealdb-username and --surrealdb-password)", e);
            }
            throw new StorageException("SurrealDB at " + options.url() + " refused the connection: " + e.getMessage(), e);
        } catch (SurrealUnavailableException e) {
            throw new StorageUnavailableException(e.getMessage() + " (is the SurrealDB server running?)", e);
        } catch (SurrealException e) {
            throw new StorageException(e.getMessage(), e);
        }
    }

    /** This node's id, made once and kept in the data dir. */
    static String nodeId(Path dataDir) {
        Path file = dataDir.resolve("node-id");
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(dataDir);
            String id = "node-" + UUID.randomUUID();
            Files.writeString(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new StorageException("cannot keep this node's id in " + file + ": " + e.getMessage(), e);
        }
    }
}
