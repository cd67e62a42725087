package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.testenv.TestEnvironmentService;
import io.provisioning.orchestrator.testenv.catalog.TemplateNotFoundException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Test Environment Service over HTTP (SPEC §2 and §6) and the topology templates. */
final class TestEnvironmentRoutes {
    private static final Pattern RELATIVE = Pattern.compile("(\\d{1,9})([smhd])");
    private final TestEnvironmentService service;
    private final RequestBodies bodies;

    TestEnvironmentRoutes(TestEnvironmentService service, RequestBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    void install(JavalinConfig config) {
        config.routes.post("/test/environments/create", ctx -> Responses.ok(ctx, service.create(bodies.json(ctx),
                AccessControl.principal(ctx) != null && AccessControl.principal(ctx).role().includes(Role.ADMIN))));
        config.routes.get("/test/environments", ctx -> Responses.ok(ctx, service.list()));
        config.routes.post("/test/environments/prune", ctx -> Responses.ok(ctx,
                java.util.Map.of("removed", service.prune())));
        config.routes.get("/test/environments/{id}", ctx -> Responses.ok(ctx, service.get(ctx.pathParam("id"))));
        config.routes.post("/test/environments/{id}/run", ctx -> Responses.ok(ctx, service.run(ctx.pathParam("id"))));
        config.routes.delete("/test/environments/{id}", ctx -> {
            service.delete(ctx.pathParam("id"));
            Responses.ok(ctx, "test environment " + ctx.pathParam("id") + " deleted");
        });
        config.routes.get("/test/environments/{id}/logs", this::logs);
        config.routes.get("/test/topologies", ctx -> Responses.ok(ctx, service.templates()));
        config.routes.get("/test/topologies/{name}", ctx -> {
            try {
                Responses.ok(ctx, service.template(ctx.pathParam("name")));
            } catch (TemplateNotFoundException e) {
                Responses.error(ctx, 404, e.getMessage());
            }
        });
    }

    private void logs(Context ctx) {
        String container = ctx.queryParam("container");
        String tailText = ctx.queryParam("tail");
        Integer tail = tailText == null || tailText.isEmpty() || tailText.equals("all") ? null
                : TaskRoutes.intParam(ctx, "tail", 100, 0, 100_000);
        Responses.ok(ctx, service.logs(ctx.pathParam("id"), container == null || container.isEmpty() ? null : container,
                tail, since(ctx.queryParam("since"))));
    }

    /** {@code since}: epoch seconds, an ISO-8601 instant, or a relative age such as 90s, 10m, 2h, 1d. */
    static Long since(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.matches("\\d{1,12}")) {
            return Long.parseLong(text);
        }
        Matcher relative = RELATIVE.matcher(text);
        if (relative.matches()) {
            long n = Long.parseLong(relative.group(1));
            long seconds = switch (relative.group(2)) {
                case "s" -> n;
                case "m" -> n * 60;
                case "h" -> n * 3600;
                default -> n * 86400;
            };
            return Instant.now().getEpochSecond() - seconds;
        }
        try {
            return Instant.parse(text).getEpochSecond();
        } catch (DateTimeException e) {
            throw new InvalidRequestException("query parameter 'since' must be epoch seconds, an ISO-8601 instant "
                    + "(2025-01-31T12:00:00Z) or an age such as 30s, 10m, 2h");
        }
    }
}
