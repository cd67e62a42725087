package io.provisioning.orchestrator.storage;

import java.nio.file.Path;
import java.util.Map;

/**
 * Makes a backend from its {@code --storage-type}. Implementations are found with
 * {@link java.util.ServiceLoader}, so a backend that is not in the build simply is not found.
 */
public interface StorageFactory {
    String type();

    TaskStorage open(Path dataDir, Map<String, String> options);
}
