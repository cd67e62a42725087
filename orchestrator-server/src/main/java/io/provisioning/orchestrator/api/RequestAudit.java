package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.provisioning.orchestrator.audit.AuditLog;
import io.provisioning.orchestrator.audit.AuditRecord;
import io.provisioning.orchestrator.auth.Principal;
import io.provisioning.orchestrator.auth.RouteRoles;
import io.provisioning.orchestrator.metrics.OrchestratorMetrics;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After every request that could change something (any method but GET, HEAD, OPTIONS), and every
 * request refused with 401 or 403, appends who, what, target, from where and the outcome to the
 * audit log. Requests refused with 429 are only counted: a flood must not flood the log too.
 * Before a request that could change something, once it is authorized, the log must be able to
 * take its entry: if it cannot (disk full), the request is refused with 503 and changes nothing,
 * unless the log fails open ({@code --audit-fail-open}).
 */
final class RequestAudit {
    private static final Logger LOG = LoggerFactory.getLogger(RequestAudit.class);
    private final AuditLog audit;
    private final OrchestratorMetrics metrics;

    RequestAudit(AuditLog audit, OrchestratorMetrics metrics) {
        this.audit = audit;
        this.metrics = metrics;
    }

    void install(JavalinConfig config) {
        config.routes.beforeMatched(this::refuseUnlessAuditable);
        config.routes.after(this::record);
    }

    private void refuseUnlessAuditable(Context ctx) {
        if (!RouteRoles.isRead(ctx.method().name())) {
            audit.checkWritable();
        }
    }

    private void record(Context ctx) {
        String method = ctx.method().name();
        int status = ctx.status().getCode();
        boolean denied = status == 401 || status == 403;
        if (status == 429 || (RouteRoles.isRead(method) && !denied)) {
            return;
        }
        Principal principal = AccessControl.principal(ctx);
        Optional<String> route = MatchedRoute.of(ctx);
        String error = ctx.attribute(Responses.ERROR);
        String detail = route.isPresent() ? error : "path " + ctx.path() + (error == null ? "" : ": " + error);
        try {
            audit.append(new AuditRecord(
                    principal == null ? "unauthenticated" : principal.subject(),
                    principal == null || principal.isAnonymous() ? null : principal.role().wireName(),
                    method + " " + route.orElse("(no such route)"),
                    target(ctx),
                    ctx.ip(),
                    Integer.toString(status),
                    status >= 400 ? detail : null));
        } catch (RuntimeException e) {
            LOG.error("cannot audit {} {} ({}): {}", method, ctx.path(), status, e.getMessage());
            if (metrics != null) {
                metrics.countAuditFailure();
            }
        }
    }

    /** The task a request created (its Location) or named (its path parameters). */
    private static String target(Context ctx) {
        String location = ctx.res().getHeader("Location");
        if (location != null) {
            return location.substring(location.lastIndexOf('/') + 1);
        }
        try {
            var params = ctx.pathParamMap();
            return params.isEmpty() ? null : String.join("/", params.values());
        } catch (RuntimeException noParams) {
            return null;
        }
    }
}
