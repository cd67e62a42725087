package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.TaskStorageContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract with an index that compacts at every checkpoint (every 20 ms), so most reads come from disk. */
class CompactingFilesystemStorageContractTest extends TaskStorageContract {
    @TempDir Path dataDir;

    @Override
    protected TaskStorage openFresh() {
        return new FilesystemTaskStorage(dataDir, Duration.ofMillis(20), "sync", 1);
    }

    @Override
    protected TaskStorage reopen(TaskStorage current) {
        current.close();
        return openFresh();
    }
}
