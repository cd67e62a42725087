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
import io.provisioning.orchestrator.workflow.ClusterPlan;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import io.provisioning.orchestrator.workflow.DagOrder;
import io.provisioning.orchestrator.workflow.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** POST /workflows/{servers,taskserv,cluster}/create: validate, plan the script call, queue it, answer the task id. */
final class WorkflowRoutes {
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private final Orchestrator orchestrator;
    private final WorkflowRequestParser parser;
    private final WorkflowPlanner planner;
    private final ClusterPlanner clusterPlanner;
    private final RequestBodies bodies;

    WorkflowRoutes(Orchestrator orchestrator, WorkflowRequestParser parser, WorkflowPlanner planner,
            ClusterPlanner clusterPlanner, RequestBodies bodies) {
        this.orchestrator = orchestrator;
        this.clusterPlanner = clusterPlanner;
        this.parser = parser;
        this.planner = planner;
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
        String key = ctx.header("Idempotency-Key");
        String hash = null;
        if (key != null) {
            if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
                throw new InvalidRequestException("header 'Idempotency-Key' must be 1 to 200 visible ASCII characters");
            }
            hash = sha256(kind.name() + "\n" + body);
            var earlier = orchestrator.storage().findByIdempotencyKey(key);
            if (earlier.isPresent() && hash.equals(earlier.get().requestHash())) {
                replayed(ctx, earlier.get().id());
                return;
            }
        }
        if (kind == WorkflowKind.CLUSTER && request.operation().equals("create")) {
            request = request.dependingOn(expandCluster(request));
        }
        Submission submission = orchestrator.submit(planner.plan(request), key, hash);
        ctx.header("Location", "/tasks/" + submission.task().id());
        if (!submission.created()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        Responses.ok(ctx, submission.task().id());
    }

    private static void replayed(Context ctx, String id) {
        ctx.header("Location", "/tasks/" + id);
        ctx.header("Idempotent-Replayed", "true");
        Responses.ok(ctx, id);
    }

    /**
     * A cluster becomes a visible DAG: servers create, then each taskserv in the order the cluster
     * definition gives, each waiting for the one before; the cluster task itself (its checks) waits
     * for the last. Returns the ids the cluster task must wait for.
     */
    private List<String> expandCluster(WorkflowRequest cluster) {
        ClusterPlan plan = clusterPlanner.plan(cluster);
        List<String> previous = cluster.dependsOn();
        if (!plan.servers().isEmpty()) {
            WorkflowRequest servers = new WorkflowRequest(WorkflowKind.SERVERS, "create", cluster.infra(),
                    cluster.settings(), null, plan.servers(), cluster.checkMode(), cluster.waitForReady(),
                    cluster.priority(), cluster.maxAttempts(), cluster.timeoutSeconds(), previous, false);
            previous = List.of(orchestrator.submit(planner.plan(servers), null, null).task().id());
        }
        for (String taskserv : plan.taskservs()) {
            WorkflowRequest install = new WorkflowRequest(WorkflowKind.TASKSERV, "create", cluster.infra(),
                    cluster.settings(), taskserv, plan.servers(), cluster.checkMode(), cluster.waitForReady(),
                    cluster.priority(), cluster.maxAttempts(), cluster.timeoutSeconds(), previous, false);
            previous = List.of(orchestrator.submit(planner.plan(install), null, null).task().id());
        }
        return previous;
    }

    /**
     * {@code POST /workflows/batch}: several workflows with dependencies between them, by the
     * {@code ref} each one gets in the body ({@code after: [refs]}); checked whole (unknown refs,
     * cycles, every body) before anything is queued. Answers {@code {ref: task id}}.
     */
    private void batch(Context ctx) {
        JsonNode body = bodies.json(ctx);
        JsonNode items = body.path("tasks");
        if (!items.isArray() || items.isEmpty() || items.size() > 200) {
            throw new InvalidRequestException("field 'tasks' must be an array of 1 to 200 workflows");
        }
        Map<String, List<String>> edges = new LinkedHashMap<>();
        Map<String, WorkflowRequest> requests = new HashMap<>();
        for (JsonNode item : items) {
            String ref = Names.require("tasks[].ref", item.path("ref").isTextual() ? item.path("ref").asText() : null);
            if (edges.containsKey(ref)) {
                throw new InvalidRequestException("ref '" + ref + "' is used twice");
            }
            WorkflowKind kind = switch (item.path("workflow").asText("")) {
                case "servers" -> WorkflowKind.SERVERS;
                case "taskserv" -> WorkflowKind.TASKSERV;
                case "cluster" -> WorkflowKind.CLUSTER;
                default -> throw new InvalidRequestException("tasks[" + ref + "].workflow must be servers, taskserv or cluster");
            };
            List<String> after = new ArrayList<>();
            JsonNode afterNode = item.path("after");
            if (!afterNode.isMissingNode() && !afterNode.isArray()) {
                throw new InvalidRequestException("tasks[" + ref + "].after must be an array of refs");
            }
            afterNode.forEach(a -> after.add(a.asText()));
            edges.put(ref, after);
            requests.put(ref, parser.parse(kind, item));
        }
        List<String> order = DagOrder.of(edges);
        Map<String, String> ids = new LinkedHashMap<>();
        for (String ref : order) {
            List<String> waitFor = edges.get(ref).stream().map(ids::get).toList();
            ids.put(ref, orchestrator.submit(planner.plan(requests.get(ref).dependingOn(waitFor)), null, null).task().id());
        }
        Responses.ok(ctx, ids);
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
