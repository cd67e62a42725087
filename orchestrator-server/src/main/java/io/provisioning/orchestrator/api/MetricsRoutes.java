package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.provisioning.orchestrator.metrics.OrchestratorMetrics;

/** {@code GET /metrics} in Prometheus text format, and the timing of every HTTP request by route and status. */
final class MetricsRoutes {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private final OrchestratorMetrics metrics;

    MetricsRoutes(OrchestratorMetrics metrics) {
        this.metrics = metrics;
    }

    void install(JavalinConfig config) {
        config.routes.get("/metrics", ctx -> ctx.status(200).contentType(PROMETHEUS_TEXT).result(metrics.scrape()));
        config.requestLogger.http((ctx, millis) -> metrics.recordRequest(ctx.method().name(),
                MatchedRoute.of(ctx).orElse("unmatched"), ctx.status().getCode(), (long) (millis * 1_000_000)));
    }
}
