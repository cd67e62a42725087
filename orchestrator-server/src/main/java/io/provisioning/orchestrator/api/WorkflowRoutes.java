package io.provisioning.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.provisioning.orchestrator.submission.IdempotencyKey;
import io.provisioning.orchestrator.submission.Submissions;
import io.provisioning.orchestrator.submission.Submitted;
import io.provisioning.orchestrator.workflow.BatchRequestParser;
import io.provisioning.orchestrator.workflow.WorkflowKind;
import io.provisioning.orchestrator.workflow.WorkflowRequest;
import io.provisioning.orchestrator.workflow.WorkflowRequestParser;

/**
 * POST /workflows/{servers,taskserv,cluster}/create and /workflows/batch: parse the body, hand it
 * to {@link Submissions} with its {@code Idempotency-Key}, answer the task id(s).
 */
final class WorkflowRoutes {
    private static final String KEY_HEADER = "Idempotency-Key";
    private final Submissions submissions;
    private final WorkflowRequestParser parser;
    private final BatchRequestParser batchParser;
    private final RequestBodies bodies;

    WorkflowRoutes(Submissions submissions, WorkflowRequestParser parser, RequestBodies bodies) {
        this.submissions = submissions;
        this.parser = parser;
        this.batchParser = new BatchRequestParser(parser);
        this.bodies = bodies;
    }

    void install(JavalinConfig config) {
        config.routes.post("/workflows/servers/create", ctx -> submit(ctx, WorkflowKind.SERVERS));
        config.routes.post("/workflows/taskserv/create", ctx -> submit(ctx, WorkflowKind.TASKSERV));
        config.routes.post("/workflows/cluster/create", ctx -> submit(ctx, WorkflowKind.CLUSTER));
        config.routes.post("/workflows/batch", this::batch);
    }

    private void submit(Context ctx, WorkflowKind kind) {
        JsonNode body = bodies.json(ctx);
        WorkflowRequest request = parser.parse(kind, body);
        Submitted submitted = submissions.workflow(request, IdempotencyKey.of(ctx.header(KEY_HEADER), kind.name(), body));
        ctx.header("Location", "/tasks/" + submitted.taskId());
        answer(ctx, submitted, submitted.taskId());
    }

    /** Answers {@code {ref: task id}}. */
    private void batch(Context ctx) {
        JsonNode body = bodies.json(ctx);
        Submitted submitted = submissions.batch(batchParser.parse(body),
                IdempotencyKey.of(ctx.header(KEY_HEADER), "BATCH", body));
        answer(ctx, submitted, submitted.taskIds());
    }

    private static void answer(Context ctx, Submitted submitted, Object data) {
        if (submitted.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        Responses.ok(ctx, data);
    }
}
