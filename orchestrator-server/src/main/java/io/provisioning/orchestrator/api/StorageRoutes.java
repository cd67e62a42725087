package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.provisioning.orchestrator.migration.MigrationRequest;
import io.provisioning.orchestrator.migration.StorageMigrations;
import io.provisioning.orchestrator.storage.migration.OnlineMigration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /storage}: the live backend and the migration, if any. {@code POST /storage/migrations}:
 * starts an online migration (202; 409 while one runs). {@code GET /storage/migrations/current}: its
 * status. Admin only when authentication is on (see RouteRoles).
 */
final class StorageRoutes {
    private final StorageMigrations migrations;
    private final RequestBodies bodies;

    StorageRoutes(StorageMigrations migrations, RequestBodies bodies) {
        this.migrations = migrations;
        this.bodies = bodies;
    }

    void install(JavalinConfig config) {
        config.routes.get("/storage", this::show);
        config.routes.post("/storage/migrations", this::start);
        config.routes.get("/storage/migrations/current", this::current);
    }

    private void show(Context ctx) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", migrations.current().type());
        view.put("store", migrations.current().describe());
        view.put("migration", migrations.migration());
        if (migrations.recordProblem() != null) {
            view.put("warning", migrations.recordProblem());
        }
        Responses.ok(ctx, view);
    }

    private void start(Context ctx) {
        MigrationRequest request = MigrationRequest.parse(bodies.json(ctx), migrations.serverDataDir(),
                migrations.current(), migrations.migrationRoot());
        OnlineMigration.Status status = migrations.start(request);
        Responses.write(ctx, 202, Envelope.ok(status));
    }

    private void current(Context ctx) {
        OnlineMigration.Status status = migrations.migration();
        if (status == null) {
            Responses.error(ctx, 404, "no storage migration has run since the orchestrator started");
            return;
        }
        Responses.ok(ctx, status);
    }
}
