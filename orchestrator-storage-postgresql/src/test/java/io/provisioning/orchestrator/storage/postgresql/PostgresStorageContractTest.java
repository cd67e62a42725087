package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.TaskStorageContract;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The contract, unchanged, for {@code postgresql}: a real PostgreSQL server (initdb), a fresh database per test. */
class PostgresStorageContractTest extends TaskStorageContract {
    @TempDir Path dataDir;
    private Map<String, String> options;

    @Override
    protected TaskStorage openFresh() {
        PostgresCluster cluster = PostgresCluster.shared();
        options = cluster.storageOptions(cluster.createDatabase());
        return StorageTypes.open("postgresql", dataDir, options);
    }

    @Override
    protected TaskStorage openAnotherNode() {
        Map<String, String> other = new java.util.HashMap<>(options);
        other.put("postgresql-node-id", "another-node");
        return StorageTypes.open("postgresql", dataDir, other);
    }

    @Override
    protected TaskStorage reopen(TaskStorage current) {
        current.close();
        return StorageTypes.open("postgresql", dataDir, options);
    }
}
