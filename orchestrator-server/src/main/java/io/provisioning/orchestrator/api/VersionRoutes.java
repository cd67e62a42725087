package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.provisioning.orchestrator.OrchestratorVersion;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.storage.StorageTypes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /version} (open): the build's version, the storage backends built in, the backend in use,
 * and the data formats in use: the data dir's ({@code format.json}) and the store's schema.
 */
final class VersionRoutes {
    private final Orchestrator orchestrator;
    private final Map<String, Integer> dataFormats;

    VersionRoutes(Orchestrator orchestrator, Map<String, Integer> dataFormats) {
        this.orchestrator = orchestrator;
        this.dataFormats = Map.copyOf(dataFormats);
    }

    void install(JavalinConfig config) {
        config.routes.get("/version", ctx -> Responses.ok(ctx, describe()));
    }

    Map<String, Object> describe() {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("version", OrchestratorVersion.current());
        version.put("java", Runtime.version().toString());
        version.put("storage_backends", StorageTypes.builtIn());
        version.put("storage_in_use", orchestrator.storage().type());
        Map<String, Integer> formats = new TreeMap<>(dataFormats);
        formats.putAll(orchestrator.storage().formatVersions());
        version.put("data_formats", formats);
        return version;
    }
}
