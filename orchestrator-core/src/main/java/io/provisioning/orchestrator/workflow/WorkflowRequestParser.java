package io.provisioning.orchestrator.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.task.Priority;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a workflow body field by field, so that every mistake gets its own sentence. Nothing
 * reaches a script until every field has passed.
 */
public final class WorkflowRequestParser {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_SERVERS = 1000;
    private final Workspace workspace;

    public WorkflowRequestParser(Workspace workspace) {
        this.workspace = workspace;
    }

    public WorkflowRequest parse(WorkflowKind kind, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("request body must be a JSON object");
        }
        String infra = Names.require("infra", requiredString(body, "infra"));
        String settings = workspace.requireSettings("settings", requiredString(body, "settings"));
        String operation = optionalString(body, "operation");
        if (operation == null) {
            operation = "create";
        }
        if (!kind.operations().contains(operation)) {
            throw new InvalidRequestException("field 'operation' must be one of " + kind.operations() + "; got "
                    + Printable.quote(operation));
        }
        String target = switch (kind) {
            case SERVERS -> null;
            case TASKSERV -> Names.require("taskserv", requiredString(body, "taskserv"));
            case CLUSTER -> Names.require("cluster_type", requiredString(body, "cluster_type"));
        };
        List<String> servers = names(body, "servers", kind == WorkflowKind.SERVERS);
        return WorkflowRequest.builder(kind, operation, infra, settings)
                .target(target)
                .servers(servers)
                .checkMode(bool(body, "check_mode"))
                .waitForReady(bool(body, "wait"))
                .priority(priority(body))
                .maxAttempts(intIn(body, "max_attempts", 1, 20))
                .timeoutSeconds(intIn(body, "timeout_seconds", 1, 86_400))
                .dependsOn(taskIds(body, "depends_on"))
                .continueOnDependencyFailure(bool(body, "continue_on_dependency_failure"))
                .build();
    }

    private static String requiredString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidRequestException("field '" + field + "' is required");
        }
        if (!node.isTextual()) {
            throw new InvalidRequestException("field '" + field + "' must be a string");
        }
        return node.asText();
    }

    private static String optionalString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidRequestException("field '" + field + "' must be a string");
        }
        return node.asText();
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidRequestException("field '" + field + "' must be true or false");
        }
        return node.asBoolean();
    }

    private static List<String> names(JsonNode body, String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new InvalidRequestException("field '" + field + "' is required: a list of server names");
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidRequestException("field '" + field + "' must be an array of names");
        }
        if (required && node.isEmpty()) {
            throw new InvalidRequestException("field '" + field + "' must name at least one server");
        }
        if (node.size() > MAX_SERVERS) {
            throw new InvalidRequestException("field '" + field + "' names more than " + MAX_SERVERS + " servers");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new InvalidRequestException("field '" + field + "' must be an array of strings");
            }
            String name = Names.require(field + "[]", item.asText());
            if (names.contains(name)) {
                throw new InvalidRequestException("field '" + field + "' names " + name + " twice");
            }
            names.add(name);
        }
        return names;
    }

    private static Integer priority(JsonNode body) {
        JsonNode node = body.get("priority");
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return Priority.byName(node.asText()).orElseThrow(() -> new InvalidRequestException(
                    "field 'priority' must be 0..100 or one of low, normal, high, critical"));
        }
        return intIn(body, "priority", Priority.MIN, Priority.MAX);
    }

    private static Integer intIn(JsonNode body, String field, int min, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
            throw new InvalidRequestException("field '" + field + "' must be a whole number from " + min + " to " + max);
        }
        return node.asInt();
    }

    private static List<String> taskIds(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_SERVERS) {
            throw new InvalidRequestException("field '" + field + "' must be an array of task ids");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || !UUID.matcher(item.asText()).matches()) {
                throw new InvalidRequestException("field '" + field + "' must be an array of task ids (uuids)");
            }
            if (!ids.contains(item.asText().toLowerCase())) {
                ids.add(item.asText().toLowerCase());
            }
        }
        return ids;
    }
}
