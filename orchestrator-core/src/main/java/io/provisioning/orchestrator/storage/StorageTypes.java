package io.provisioning.orchestrator.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds the backend for a {@code --storage-type} among those built in. */
public final class StorageTypes {
    /** Every type the product knows; only some are in a given build. */
    public static final List<String> KNOWN = List.of("filesystem", "postgresql", "surrealdb-embedded", "surrealdb-server");

    private StorageTypes() {}

    public static List<String> builtIn() {
        return ServiceLoader.load(StorageFactory.class).stream()
                .map(p -> p.get().type()).sorted().collect(Collectors.toList());
    }

    public static TaskStorage open(String type, Path dataDir, Map<String, String> options) {
        for (StorageFactory factory : ServiceLoader.load(StorageFactory.class)) {
            if (factory.type().equals(type)) {
                return factory.open(dataDir, options);
            }
        }
        if (KNOWN.contains(type)) {
            throw new StorageException("storage type '" + type + "' is not built into this orchestrator (built in: "
                    + String.join(", ", builtIn()) + "); rebuild with SurrealDB support: ./mvnw -Psurrealdb package"
                    + " (bin/orchestrator does it when ORCHESTRATOR_FEATURES=surrealdb is set)");
        }
        throw new StorageException("unknown storage type '" + type + "'; known types: " + String.join(", ", KNOWN));
    }
}
