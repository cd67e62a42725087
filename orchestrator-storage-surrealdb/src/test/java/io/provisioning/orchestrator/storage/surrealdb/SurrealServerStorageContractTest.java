package io.provisioning.orchestrator.storage.surrealdb;

import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.TaskStorageContract;
import io.provisioning.orchestrator.storage.surrealdb.testing.TestEngine;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract, unchanged, for {@code surrealdb-server}: one engine (through the engine host, as
 * no {@code surreal} binary can be installed here), a fresh database per test.
 */
class SurrealServerStorageContractTest extends TaskStorageContract {
    @TempDir static Path engineDir;
    @TempDir Path dataDir;
    @TempDir Path otherDataDir;
    static TestEngine engine;
    private Map<String, String> options;

    @BeforeAll
    static void startEngine() {
        engine = TestEngine.start(engineDir);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @Override
    protected TaskStorage openFresh() {
        options = engine.storageOptions(TestEngine.uniqueDatabase());
        return StorageTypes.open("surrealdb-server", dataDir, options);
    }

    @Override
    protected TaskStorage openAnotherNode() {
        Map<String, String> other = new HashMap<>(options);
        other.put("surrealdb-node-id", "node-other");
        return StorageTypes.open("surrealdb-server", otherDataDir, other);
    }

    @Override
    protected TaskStorage reopen(TaskStorage current) {
        current.close();
        return StorageTypes.open("surrealdb-server", dataDir, options);
    }
}
