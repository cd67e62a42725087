package io.provisioning.orchestrator.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.testenv.catalog.CatalogFiles;
import io.provisioning.orchestrator.testenv.catalog.CheckSpec;
import io.provisioning.orchestrator.testenv.catalog.NodeSpec;
import io.provisioning.orchestrator.testenv.catalog.Resources;
import io.provisioning.orchestrator.testenv.catalog.TaskservCatalog;
import io.provisioning.orchestrator.testenv.catalog.Topology;
import io.provisioning.orchestrator.testenv.catalog.TopologyTemplates;
import io.provisioning.orchestrator.workflow.Names;
import io.provisioning.orchestrator.workflow.Printable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the body {@code {config: {type, ...}, infra, auto_start, auto_cleanup}} into an
 * {@link EnvironmentRequest}, checking every field; the first problem is one sentence (400).
 */
public final class EnvironmentRequestParser {
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,127}(:[A-Za-z0-9._-]{1,64})?");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> TOP_FIELDS = Set.of("config", "infra", "auto_start", "auto_cleanup");
    private final TaskservCatalog catalog;
    private final TopologyTemplates templates;

    public EnvironmentRequestParser(TaskservCatalog catalog, TopologyTemplates templates) {
        this.catalog = catalog;
        this.templates = templates;
    }

    public EnvironmentRequest parse(JsonNode body) {
        unknownFields(body, TOP_FIELDS, "");
        JsonNode config = body.get("config");
        if (config == null || !config.isObject()) {
            throw new InvalidRequestException("field 'config' must be an object with a 'type': single_taskserv, "
                    + "server_simulation or cluster_topology");
        }
        String infra = body.hasNonNull("infra") ? Names.require("infra", text(body, "infra")) : "default";
        boolean autoStart = bool(body, "auto_start");
        boolean autoCleanup = bool(body, "auto_cleanup");
        String typeText = text(config, "type");
        EnvironmentType type = EnvironmentType.parse(typeText).orElseThrow(() -> new InvalidRequestException(
                "config.type must be single_taskserv, server_simulation or cluster_topology; got "
                        + Printable.quote(String.valueOf(typeText))));
        return switch (type) {
            case SINGLE_TASKSERV -> single(config, infra, autoStart, autoCleanup);
            case SERVER_SIMULATION -> server(config, infra, autoStart, autoCleanup);
            case CLUSTER_TOPOLOGY -> cluster(config, infra, autoStart, autoCleanup);
        };
    }

    /** Parses a stored request again (records keep the body's config as it was accepted). */
    public EnvironmentRequest reparse(TestEnvironment environment) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.set("config", environment.config());
        body.put("infra", environment.infra());
        body.put("auto_start", environment.autoStart());
        body.put("auto_cleanup", environment.autoCleanup());
        return parse(body);
    }

    private EnvironmentRequest single(JsonNode c, String infra, boolean autoStart, boolean autoCleanup) {
        unknownFields(c, Set.of("type", "taskserv", "base_image", "environment", "resources", "node_name", "profile"),
                "config.");
        String taskserv = Names.require("config.taskserv", text(c, "taskserv"));
        catalog.require(taskserv);
        String nodeName = c.hasNonNull("node_name") ? hostName("config.node_name", text(c, "node_name")) : taskserv;
        return new EnvironmentRequest(EnvironmentType.SINGLE_TASKSERV, infra, autoStart, autoCleanup, c, nodeName,
                List.of(taskserv), image(c), environment(c), resources(c.get("resources"), "config.resources"),
                profile(c), null, null, null);
    }

    private EnvironmentRequest server(JsonNode c, String infra, boolean autoStart, boolean autoCleanup) {
        unknownFields(c, Set.of("type", "server_name", "taskservs", "base_image", "environment", "resources", "profile"),
                "config.");
        String server = hostName("config.server_name", text(c, "server_name"));
        List<String> taskservs = names(c.get("taskservs"), "config.taskservs");
        if (taskservs.isEmpty()) {
            throw new InvalidRequestException("config.taskservs must name at least one taskserv");
        }
        taskservs.forEach(catalog::require);
        return new EnvironmentRequest(EnvironmentType.SERVER_SIMULATION, infra, autoStart, autoCleanup, c, server,
                taskservs, image(c), environment(c), resources(c.get("resources"), "config.resources"), profile(c),
                null, null, null);
    }

    private EnvironmentRequest cluster(JsonNode c, String infra, boolean autoStart, boolean autoCleanup) {
        unknownFields(c, Set.of("type", "cluster_type", "topology", "template"), "config.");
        String template = null;
        Topology topology;
        JsonNode inline = c.get("topology");
        if (c.hasNonNull("template") || (inline != null && inline.isTextual())) {
            template = Names.require("config.template", c.hasNonNull("template") ? text(c, "template") : inline.asText());
            topology = templates.require(template);
        } else if (inline != null && inline.isObject()) {
            topology = topology(inline);
        } else {
            throw new InvalidRequestException("config.topology must be an object {nodes: [...], network: {subnet}}, "
                    + "or config.template the name of a topology template");
        }
        CatalogFiles.validate(topology, catalog, "config");
        topology.nodes().forEach(n -> n.taskservs().forEach(catalog::require));
        String clusterType = c.hasNonNull("cluster_type") ? Names.require("config.cluster_type", text(c, "cluster_type"))
                : topology.clusterType();
        if (clusterType == null) {
            throw new InvalidRequestException("config.cluster_type is missing");
        }
        return new EnvironmentRequest(EnvironmentType.CLUSTER_TOPOLOGY, infra, autoStart, autoCleanup, c, null,
                List.of(), null, Map.of(), null, null, clusterType, template, topology);
    }

    private Topology topology(JsonNode t) {
        unknownFields(t, Set.of("name", "nodes", "network", "checks", "description", "cluster_type"), "config.topology.");
        JsonNode nodesNode = t.get("nodes");
        if (nodesNode == null || !nodesNode.isArray()) {
            throw new InvalidRequestException("config.topology.nodes must be a list of {name, role, taskservs, resources}");
        }
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < nodesNode.size(); i++) {
            JsonNode n = nodesNode.get(i);
            String at = "config.topology.nodes[" + i + "]";
            if (!n.isObject()) {
                throw new InvalidRequestException(at + " must be an object");
            }
            unknownFields(n, Set.of("name", "role", "taskservs", "resources", "profile"), at + ".");
            nodes.add(new NodeSpec(text(n, "name"), n.hasNonNull("role") ? text(n, "role") : null,
                    names(n.get("taskservs"), at + ".taskservs"), resources(n.get("resources"), at + ".resources"),
                    n.hasNonNull("profile") ? Names.require(at + ".profile", text(n, "profile")) : null));
        }
        String subnet = null;
        JsonNode network = t.get("network");
        if (network != null && !network.isNull()) {
            if (!network.isObject()) {
                throw new InvalidRequestException("config.topology.network must be an object {subnet}");
            }
            unknownFields(network, Set.of("subnet"), "config.topology.network.");
            subnet = network.hasNonNull("subnet") ? text(network, "subnet") : null;
        }
        List<CheckSpec> checks = List.of();
        if (t.hasNonNull("checks")) {
            try {
                checks = List.of(io.provisioning.orchestrator.testenv.catalog.CatalogFiles.checksFrom(t.get("checks")));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("config.topology.checks: " + e.getMessage());
            }
        }
        return new Topology(null, t.hasNonNull("cluster_type") ? text(t, "cluster_type") : null,
                new Topology.Network(subnet), nodes, checks);
    }

    private String image(JsonNode c) {
        if (!c.hasNonNull("base_image")) {
            return null;
        }
        String image = text(c, "base_image");
        if (!IMAGE.matcher(image).matches() || image.contains("..")) {
            throw new InvalidRequestException("config.base_image must be an image reference like "
                    + "provisioning/debian-base:12; got " + Printable.quote(image));
        }
        return image;
    }

    private static Map<String, String> environment(JsonNode c) {
        JsonNode env = c.get("environment");
        if (env == null || env.isNull()) {
            return Map.of();
        }
        if (!env.isObject()) {
            throw new InvalidRequestException("config.environment must be an object of NAME: value");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!ENV_KEY.matcher(e.getKey()).matches()) {
                throw new InvalidRequestException("config.environment: " + Printable.quote(e.getKey())
                        + " is not a variable name (letters, digits, '_')");
            }
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new InvalidRequestException("config.environment." + e.getKey() + " must be a string, number or boolean");
            }
            String value = e.getValue().asText();
            if (value.length() > 4096 || value.indexOf('\0') >= 0) {
                throw new InvalidRequestException("config.environment." + e.getKey() + " is too long or has a NUL");
            }
            out.put(e.getKey(), value);
        }
        if (out.size() > 64) {
            throw new InvalidRequestException("config.environment has more than 64 variables");
        }
        return out;
    }

    private String profile(JsonNode c) {
        if (!c.hasNonNull("profile")) {
            return null;
        }
        String profile = Names.require("config.profile", text(c, "profile"));
        catalog.profile(profile);
        return profile;
    }

    static Resources resources(JsonNode r, String where) {
        if (r == null || r.isNull()) {
            return null;
        }
        if (!r.isObject()) {
            throw new InvalidRequestException(where + " must be an object {cpu_millicores, memory_mb}");
        }
        unknownFields(r, Set.of("cpu_millicores", "memory_mb"), where + ".");
        return new Resources(integer(r, "cpu_millicores", where), integer(r, "memory_mb", where)).validated(where);
    }

    private static Integer integer(JsonNode r, String field, String where) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidRequestException(where + "." + field + " must be a whole number");
        }
        return v.intValue();
    }

    private static String hostName(String field, String value) {
        Names.require(field, value);
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9-]{0,62}")) {
            throw new InvalidRequestException(field + " must be a host name (letters, digits, '-'); got "
                    + Printable.quote(value));
        }
        return value;
    }

    private static List<String> names(JsonNode list, String field) {
        if (list == null || !list.isArray()) {
            throw new InvalidRequestException(field + " must be a list of taskserv names");
        }
        if (list.size() > 16) {
            throw new InvalidRequestException(field + " has more than 16 taskservs");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isTextual()) {
                throw new InvalidRequestException(field + "[" + i + "] must be a string");
            }
            String name = Names.require(field + "[" + i + "]", list.get(i).asText());
            if (out.contains(name)) {
                throw new InvalidRequestException(field + " names " + name + " twice");
            }
            out.add(name);
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidRequestException("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new InvalidRequestException("field '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new InvalidRequestException("unknown field '" + prefix + name + "'; known: "
                        + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }
}
