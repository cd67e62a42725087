package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.provisioning.orchestrator.auth.BearerHeader;
import io.provisioning.orchestrator.auth.ForbiddenException;
import io.provisioning.orchestrator.auth.Principal;
import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.RouteRoles;
import io.provisioning.orchestrator.auth.TokenVerifier;
import io.provisioning.orchestrator.auth.UnauthorizedException;
import io.provisioning.orchestrator.metrics.OrchestratorMetrics;
import io.provisioning.orchestrator.ratelimit.RateLimitedException;
import io.provisioning.orchestrator.ratelimit.RateLimiter;
import java.util.Optional;

/**
 * Who may call what, and how often. Before every request but {@code /health}: verify the bearer
 * token, then take one token from the client's rate-limit bucket (keyed by the token's subject,
 * else the remote address, so bad tokens are limited too), then refuse a caller without a valid
 * token unless the route is open. Once a route has matched: check the role against {@link RouteRoles}.
 */
final class AccessControl {
    static final String PRINCIPAL = "orchestrator.principal";
    private final TokenVerifier verifier;
    private final RouteRoles roles;
    private final RateLimiter limiter;
    private final OrchestratorMetrics metrics;

    AccessControl(EdgeServices edge) {
        this.verifier = edge.verifier();
        this.roles = edge.roles();
        this.limiter = edge.rateLimiter();
        this.metrics = edge.metrics();
    }

    void install(JavalinConfig config) {
        config.routes.before(this::authenticateAndLimit);
        config.routes.beforeMatched(this::authorize);
    }

    static Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    private void authenticateAndLimit(Context ctx) {
        Optional<String> route = MatchedRoute.of(ctx);
        if (route.isPresent() && route.get().equals("/health")) {
            return;
        }
        // no endpoint matched: a static file of the console, or an unknown path (which needs a token)
        boolean open = roles.required(ctx.method().name(), route.orElse(ctx.path())).isEmpty();
        Principal principal = null;
        UnauthorizedException refused = null;
        if (verifier == null) {
            principal = Principal.ANONYMOUS;
        } else if (!open) {
            try {
                Optional<String> token = BearerHeader.token(ctx.header("Authorization"));
                principal = token.map(verifier::verify).orElse(null);
                if (principal == null) {
                    refused = new UnauthorizedException(UnauthorizedException.Reason.MISSING);
                }
            } catch (UnauthorizedException e) {
                refused = e;
            }
        }
        if (limiter != null) {
            String client = principal != null && !principal.isAnonymous() ? "subject:" + principal.subject()
                    : "address:" + ctx.ip();
            try {
                limiter.acquire(client);
            } catch (RateLimitedException e) {
                if (metrics != null) {
                    metrics.countRateLimited();
                }
                throw e;
            }
        }
        if (refused != null) {
            if (metrics != null) {
                metrics.countAuthFailure(refused.reason().name().toLowerCase(java.util.Locale.ROOT));
            }
            throw refused;
        }
        if (principal != null) {
            ctx.attribute(PRINCIPAL, principal);
        }
    }

    private void authorize(Context ctx) {
        if (verifier == null) {
            return;
        }
        String route = MatchedRoute.of(ctx).orElse(ctx.path());
        String method = ctx.method().name();
        Optional<Role> needed = roles.required(method, route);
        if (needed.isEmpty()) {
            return;
        }
        Principal principal = principal(ctx);
        if (principal == null) {
            throw new UnauthorizedException(UnauthorizedException.Reason.MISSING);
        }
        if (!principal.role().includes(needed.get())) {
            if (metrics != null) {
                metrics.countAuthFailure("forbidden");
            }
            throw new ForbiddenException(principal.role(), needed.get(), method + " " + route);
        }
    }
}
