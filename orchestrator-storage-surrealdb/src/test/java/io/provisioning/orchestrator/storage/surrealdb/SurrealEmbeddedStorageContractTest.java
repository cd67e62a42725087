package io.provisioning.orchestrator.storage.surrealdb;

import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.TaskStorageContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The contract, unchanged, for {@code surrealdb-embedded}: each store starts and supervises its own engine. */
class SurrealEmbeddedStorageContractTest extends TaskStorageContract {
    @TempDir Path dataDir;

    @Override
    protected TaskStorage openFresh() {
        return StorageTypes.open("surrealdb-embedded", dataDir, Map.of());
    }

    @Override
    protected TaskStorage reopen(TaskStorage current) {
        current.close();
        return StorageTypes.open("surrealdb-embedded", dataDir, Map.of());
    }
}
