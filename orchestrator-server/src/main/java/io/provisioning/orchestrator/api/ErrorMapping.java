package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.provisioning.orchestrator.BusyException;
import io.provisioning.orchestrator.ConflictException;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.OrchestratorException;
import io.provisioning.orchestrator.audit.AuditUnavailableException;
import io.provisioning.orchestrator.auth.ForbiddenException;
import io.provisioning.orchestrator.auth.UnauthorizedException;
import io.provisioning.orchestrator.ratelimit.RateLimitedException;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.task.TaskNotFoundException;
import io.provisioning.orchestrator.testenv.EnvironmentNotFoundException;
import io.provisioning.orchestrator.testenv.PrivilegedEnvironmentRefusedException;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntimeException;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntimeUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where exceptions become HTTP statuses. No stack trace ever reaches a client. */
final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    static void install(JavalinConfig config) {
        config.routes.exception(InvalidRequestException.class, (e, ctx) -> Responses.error(ctx, 400, e.getMessage()));
        config.routes.exception(TaskNotFoundException.class, (e, ctx) -> Responses.error(ctx, 404, e.getMessage()));
        config.routes.exception(EnvironmentNotFoundException.class, (e, ctx) -> Responses.error(ctx, 404, e.getMessage()));
        config.routes.exception(TestEnvironmentsDisabledException.class, (e, ctx) -> Responses.error(ctx, 503, e.getMessage()));
        config.routes.exception(ContainerRuntimeUnavailableException.class, (e, ctx) -> Responses.error(ctx, 503, e.getMessage()));
        config.routes.exception(ContainerRuntimeException.class, (e, ctx) -> {
            LOG.warn("container runtime failed on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            Responses.error(ctx, 502, "the container runtime failed: " + e.getMessage());
        });
        config.routes.exception(ConflictException.class, (e, ctx) -> Responses.error(ctx, 409, e.getMessage()));
        config.routes.exception(UnauthorizedException.class, (e, ctx) -> {
            ctx.header("WWW-Authenticate", e.reason() == UnauthorizedException.Reason.MISSING ? "Bearer"
                    : "Bearer error=\"invalid_token\"");
            Responses.error(ctx, 401, e.getMessage());
        });
        config.routes.exception(ForbiddenException.class, (e, ctx) -> Responses.error(ctx, 403, e.getMessage()));
        config.routes.exception(PrivilegedEnvironmentRefusedException.class, (e, ctx) -> Responses.error(ctx, 403, e.getMessage()));
        config.routes.exception(RateLimitedException.class, (e, ctx) -> {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            Responses.error(ctx, 429, e.getMessage());
        });
        config.routes.exception(BusyException.class, (e, ctx) -> {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            Responses.error(ctx, 429, e.getMessage());
        });
        config.routes.exception(PayloadTooLargeException.class, (e, ctx) -> Responses.error(ctx, 413, e.getMessage()));
        config.routes.exception(StorageUnavailableException.class, (e, ctx) -> {
            LOG.warn("storage unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            // a write whose answer was lost may have been stored: say so, and how to retry safely
            Responses.error(ctx, 503, "storage is unavailable, so the request was not confirmed; try again later"
                    + (ctx.method().name().equals("POST") ? " (a workflow retried with the same Idempotency-Key header"
                            + " is never created twice)" : "") + " (" + e.getMessage() + ")");
        });
        config.routes.exception(AuditUnavailableException.class, (e, ctx) -> Responses.error(ctx, 503, e.getMessage()));
        config.routes.exception(OrchestratorException.class, (e, ctx) -> internal(ctx, e));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            String message = status == 413 ? "request body is too large" : e.getMessage();
            Responses.error(ctx, status, message);
        });
        config.routes.exception(Exception.class, (e, ctx) -> internal(ctx, e));
        config.routes.error(404, "*", ctx -> {
            if (ctx.result() == null || !isEnvelope(ctx)) {
                Responses.error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
            }
        });
        config.routes.error(405, "*", ctx -> Responses.error(ctx, 405, "method " + ctx.method()
                + " is not allowed on " + ctx.path()));
    }

    private static boolean isEnvelope(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith("application/json");
    }

    private static void internal(Context ctx, Exception e) {
        LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
        Responses.error(ctx, 500, "internal error; the server log has the details");
    }
}
