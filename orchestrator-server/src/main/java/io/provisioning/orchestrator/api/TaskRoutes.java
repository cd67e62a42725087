package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.task.TaskNotFoundException;
import io.provisioning.orchestrator.task.TaskStatus;
import io.provisioning.orchestrator.workflow.Printable;
import java.util.regex.Pattern;

/** GET /tasks, GET /tasks/counts, GET and DELETE /tasks/{id}, cancel and retry. */
final class TaskRoutes {
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private final Orchestrator orchestrator;

    TaskRoutes(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    void install(JavalinConfig config) {
        config.routes.get("/tasks", this::list);
        config.routes.get("/tasks/counts", this::counts); // before /tasks/{id}: the first matching route answers
        config.routes.get("/tasks/{id}", this::get);
        config.routes.delete("/tasks/{id}", this::delete);
        config.routes.post("/tasks/{id}/cancel", ctx -> Responses.ok(ctx, orchestrator.cancel(id(ctx))));
        config.routes.post("/tasks/{id}/retry", ctx -> Responses.ok(ctx, orchestrator.retry(id(ctx))));
    }

    private void list(Context ctx) {
        TaskStatus status = null;
        String statusParam = ctx.queryParam("status");
        if (statusParam != null && !statusParam.isEmpty()) {
            status = TaskStatus.parse(statusParam).orElseThrow(() -> new InvalidRequestException(
                    "unknown status " + Printable.quote(statusParam)
                            + "; use one of Pending, Running, Completed, Failed, Cancelled"));
        }
        int limit = intParam(ctx, "limit", TaskQuery.DEFAULT_LIMIT, 1, TaskQuery.MAX_LIMIT);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        TaskQuery query = new TaskQuery(status, ctx.queryParam("workflow"), ctx.queryParam("infra"),
                ctx.queryParam("depends_on"), limit, offset);
        TaskPage page = orchestrator.list(query);
        ctx.header("X-Total-Count", Long.toString(page.total()));
        Responses.ok(ctx, page.tasks());
    }

    /** The filter's tasks per status, counted at once: the numbers add up to what GET /tasks counts. */
    private void counts(Context ctx) {
        TaskQuery filter = new TaskQuery(null, ctx.queryParam("workflow"), ctx.queryParam("infra"),
                ctx.queryParam("depends_on"), 1, 0);
        Responses.ok(ctx, orchestrator.countByStatus(filter));
    }

    private void get(Context ctx) {
        Responses.ok(ctx, orchestrator.get(id(ctx)));
    }

    /** 200 with a sentence in the envelope, as DELETE /test/environments/{id} answers. */
    private void delete(Context ctx) {
        String id = id(ctx);
        orchestrator.delete(id);
        Responses.ok(ctx, "task " + id + " deleted");
    }

    private static String id(Context ctx) {
        String id = ctx.pathParam("id");
        if (!TASK_ID.matcher(id).matches()) {
            throw new TaskNotFoundException(Printable.quote(id));
        }
        return id.toLowerCase();
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("query parameter '" + name + "' must be a whole number from " + min
                    + " to " + max);
        }
    }
}
