package io.provisioning.orchestrator.cli.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.OneLine;
import io.provisioning.orchestrator.cli.render.Column;
import io.provisioning.orchestrator.cli.render.Fields;
import io.provisioning.orchestrator.cli.render.Printer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How environments, check results and topologies read as text. Lenient about fields it does not know. */
final class EnvironmentViews {
    static final List<Column> LIST = List.of(
            Column.field("ID", "id"),
            new Column("TYPE", EnvironmentViews::type),
            Column.field("STATUS", "status"),
            new Column("TARGET", EnvironmentViews::target),
            new Column("CREATED", e -> Fields.time(e.path("created_at"))));

    static final List<Column> RESULTS = List.of(
            new Column("CHECK", r -> Fields.text(r.path("name"))),
            new Column("RESULT", r -> r.path("passed").asBoolean(false) ? "passed" : "FAILED"),
            new Column("DURATION", r -> r.has("duration_ms") ? r.path("duration_ms").asText() + "ms"
                    : duration(r.path("duration"))),
            new Column("OUTPUT", r -> shorten(Fields.text(r.path("output")), 80)));

    static final List<Column> TOPOLOGIES = List.of(
            Column.field("NAME", "name"),
            Column.field("CLUSTER TYPE", "cluster_type"),
            new Column("NODES", t -> t.path("nodes").isArray() ? Integer.toString(t.path("nodes").size())
                    : t.path("topology").path("nodes").isArray()
                            ? Integer.toString(t.path("topology").path("nodes").size()) : ""),
            new Column("DESCRIPTION", t -> Fields.text(t.path("description"))));

    private static final Map<String, String> DETAIL = new LinkedHashMap<>();

    static {
        DETAIL.put("id", "id");
        DETAIL.put("status", "status");
        DETAIL.put("infra", "infra");
        DETAIL.put("network", "network");
        DETAIL.put("containers", "containers");
        DETAIL.put("created_at", "created");
        DETAIL.put("updated_at", "updated");
        DETAIL.put("error", "error");
    }

    private EnvironmentViews() {}

    /** An environment's details, then its last check results when it has some. */
    static void show(Printer printer, JsonNode environment) {
        if (printer.isJson()) {
            printer.json(environment);
            return;
        }
        var view = environment.deepCopy();
        if (view.isObject()) {
            var object = (com.fasterxml.jackson.databind.node.ObjectNode) view;
            object.put("type", type(environment));
            object.put("target", target(environment));
            object.remove("results");
            object.remove("config");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("id", "id");
        labels.put("type", "type");
        labels.put("target", "target");
        labels.putAll(DETAIL);
        printer.record(view, labels);
        JsonNode results = results(environment);
        if (results.isArray() && !results.isEmpty()) {
            printer.line("");
            printer.list(results, RESULTS, "");
        }
    }

    /** The check results in a run answer or an environment: a list, or an object's {@code results}. */
    static JsonNode results(JsonNode node) {
        if (node.isArray()) {
            return node;
        }
        for (String field : List.of("results", "last_results", "checks")) {
            if (node.path(field).isArray()) {
                return node.path(field);
            }
        }
        return node.path("results");
    }

    /** A Failed environment, or one whose last checks did not all pass, is a failed operation (exit 1). */
    static void requireSuccess(JsonNode environment) {
        String id = environment.path("id").asText("");
        if ("Failed".equals(environment.path("status").asText())) {
            String error = environment.path("error").isTextual() ? environment.path("error").asText() : "";
            throw new CliException.OperationFailed("environment " + id + " Failed"
                    + (error.isBlank() ? " (see 'provisioning test env logs " + id + "')" : ": " + error));
        }
        JsonNode results = results(environment);
        if (results.isArray() && !allPassed(results)) {
            throw new CliException.OperationFailed("checks failed in environment " + id);
        }
    }

    static boolean allPassed(JsonNode results) {
        for (JsonNode result : results) {
            if (!result.path("passed").asBoolean(false)) {
                return false;
            }
        }
        return true;
    }

    static String type(JsonNode environment) {
        JsonNode type = environment.path("config").path("type");
        return Fields.text(type.isMissingNode() ? environment.path("type") : type);
    }

    static String target(JsonNode environment) {
        JsonNode config = environment.path("config");
        for (String field : List.of("taskserv", "server_name", "cluster_type")) {
            if (config.path(field).isTextual()) {
                String target = config.path(field).asText();
                if (field.equals("server_name") && config.path("taskservs").isArray()) {
                    target += " (" + Fields.text(config.path("taskservs")) + ")";
                }
                return OneLine.of(target);
            }
        }
        return "";
    }

    private static String duration(JsonNode node) {
        if (node.isNumber()) {
            return node.asText() + (node.asText().contains(".") ? "s" : "ms");
        }
        return Fields.text(node);
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
