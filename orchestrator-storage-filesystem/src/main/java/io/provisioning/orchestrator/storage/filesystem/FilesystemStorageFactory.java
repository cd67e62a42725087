package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.storage.StorageFactory;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.nio.file.Path;
import java.util.Map;

public final class FilesystemStorageFactory implements StorageFactory {
    @Override
    public String type() {
        return "filesystem";
    }

    @Override
    public TaskStorage open(Path dataDir, Map<String, String> options) {
        return new FilesystemTaskStorage(dataDir);
    }
}
