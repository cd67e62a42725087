package io.provisioning.orchestrator.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a batch body ({@code {tasks: [{ref, workflow, after?, …workflow body}]}}), every item checked as its workflow. */
public final class BatchRequestParser {
    public static final int MAX_ITEMS = 200;
    private final WorkflowRequestParser workflows;

    public BatchRequestParser(WorkflowRequestParser workflows) {
        this.workflows = workflows;
    }

    public BatchRequest parse(JsonNode body) {
        JsonNode items = body == null ? null : body.path("tasks");
        if (items == null || !items.isArray() || items.isEmpty() || items.size() > MAX_ITEMS) {
            throw new InvalidRequestException("field 'tasks' must be an array of 1 to " + MAX_ITEMS + " workflows");
        }
        List<BatchRequest.Item> parsed = new ArrayList<>();
        Set<String> refs = new HashSet<>();
        for (JsonNode item : items) {
            String ref = Names.require("tasks[].ref", item.path("ref").isTextual() ? item.path("ref").asText() : null);
            if (!refs.add(ref)) {
                throw new InvalidRequestException("ref '" + ref + "' is used twice");
            }
            WorkflowKind kind = switch (item.path("workflow").asText("")) {
                case "servers" -> WorkflowKind.SERVERS;
                case "taskserv" -> WorkflowKind.TASKSERV;
                case "cluster" -> WorkflowKind.CLUSTER;
                default -> throw new InvalidRequestException("tasks[" + ref + "].workflow must be servers, taskserv or cluster");
            };
            JsonNode afterNode = item.path("after");
            if (!afterNode.isMissingNode() && !afterNode.isArray()) {
                throw new InvalidRequestException("tasks[" + ref + "].after must be an array of refs");
            }
            List<String> after = new ArrayList<>();
            afterNode.forEach(a -> after.add(a.asText()));
            parsed.add(new BatchRequest.Item(ref, workflows.parse(kind, item), after));
        }
        return new BatchRequest(parsed);
    }
}
