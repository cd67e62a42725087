package io.provisioning.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.engine.Submission;
import io.provisioning.orchestrator.workflow.WorkflowKind;
import io.provisioning.orchestrator.workflow.WorkflowPlanner;
import io.provisioning.orchestrator.workflow.WorkflowRequest;
import io.provisioning.orchestrator.workflow.WorkflowRequestParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** POST /workflows/{servers,taskserv,cluster}/create: validate, plan the script call, queue it, answer the task id. */
final class WorkflowRoutes {
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private final Orchestrator orchestrator;
    private final WorkflowRequestParser parser;
    private final WorkflowPlanner planner;
    private final RequestBodies bodies;

    WorkflowRoutes(Orchestrator orchestrator, WorkflowRequestParser parser, WorkflowPlanner planner,
            RequestBodies bodies) {
        this.orchestrator = orchestrator;
        this.parser = parser;
        this.planner = planner;
        this.bodies = bodies;
    }

    void install(JavalinConfig config) {
        config.routes.post("/workflows/servers/create", ctx -> submit(ctx, WorkflowKind.SERVERS));
        config.routes.post("/workflows/taskserv/create", ctx -> submit(ctx, WorkflowKind.TASKSERV));
        config.routes.post("/workflows/cluster/create", ctx -> submit(ctx, WorkflowKind.CLUSTER));
    }

    private void submit(Context ctx, WorkflowKind kind) {
        JsonNode body = bodies.json(ctx);
        WorkflowRequest request = parser.parse(kind, body);
        String key = ctx.header("Idempotency-Key");
        String hash = null;
        if (key != null) {
            if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
                throw new InvalidRequestException("header 'Idempotency-Key' must be 1 to 200 visible ASCII characters");
            }
            hash = sha256(kind.name() + "\n" + body);
        }
        Submission submission = orchestrator.submit(planner.plan(request), key, hash);
        ctx.header("Location", "/tasks/" + submission.task().id());
        if (!submission.created()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        Responses.ok(ctx, submission.task().id());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
