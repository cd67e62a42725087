package io.provisioning.orchestrator.api;

import io.provisioning.orchestrator.audit.AuditLog;
import io.provisioning.orchestrator.auth.RouteRoles;
import io.provisioning.orchestrator.auth.TokenVerifier;
import io.provisioning.orchestrator.metrics.OrchestratorMetrics;
import io.provisioning.orchestrator.ratelimit.RateLimiter;
import io.provisioning.orchestrator.tls.TlsSettings;

/**
 * What guards and watches the HTTP edge. {@code verifier} null: authentication off (everyone is
 * anonymous and may do everything); {@code rateLimiter} null: no limit; {@code audit} null: no
 * audit log; {@code metrics} null: no {@code /metrics}.
 */
public record EdgeServices(TokenVerifier verifier, RouteRoles roles, RateLimiter rateLimiter, AuditLog audit,
        OrchestratorMetrics metrics, TlsSettings tls) {

    public EdgeServices {
        roles = roles == null ? RouteRoles.standard(false) : roles;
        tls = tls == null ? TlsSettings.off() : tls;
    }

    /** Nothing on: plain HTTP, no authentication, no limits, no audit, no metrics. */
    public static EdgeServices none() {
        return new EdgeServices(null, null, null, null, null, null);
    }
}
