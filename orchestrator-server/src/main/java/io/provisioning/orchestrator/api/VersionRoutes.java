package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.provisioning.orchestrator.OrchestratorVersion;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.storage.StorageTypes;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /version} (open): the build's version, the storage backends built in, the backend in use. */
final class VersionRoutes {
    private final Orchestrator orchestrator;

    VersionRoutes(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
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
        return version;
    }
}
