package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;

/** {@code GET /openapi.json} and {@code GET /openapi.yaml} (open): the document itself, not in the envelope. */
final class OpenApiRoutes {
    static final String YAML = "application/yaml";
    private final OpenApiDocument document;

    OpenApiRoutes(OpenApiDocument document) {
        this.document = document;
    }

    void install(JavalinConfig config) {
        config.routes.get("/openapi.json", ctx -> ctx.status(200).contentType("application/json").result(document.json()));
        config.routes.get("/openapi.yaml", ctx -> ctx.status(200).contentType(YAML).result(document.yaml()));
    }
}
