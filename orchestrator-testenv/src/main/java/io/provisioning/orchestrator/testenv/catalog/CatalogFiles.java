package io.provisioning.orchestrator.testenv.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.testenv.Subnet;
import io.provisioning.orchestrator.workflow.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the catalog and the templates from YAML, strictly: an unknown key is a typo, and
 * every reference (profiles, taskservs of a template, nodes of a check) must resolve.
 */
public final class CatalogFiles {
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private CatalogFiles() {}

    public static TaskservCatalog readCatalog(Path file) {
        TaskservCatalog catalog = read(file, TaskservCatalog.class);
        catalog.taskservs().values().forEach(t -> validate(file, catalog, t));
        if (catalog.taskservs().isEmpty()) {
            throw new CatalogException(file + ": no taskservs");
        }
        return catalog;
    }

    public static TopologyTemplates readTemplates(Path file, TaskservCatalog catalog) {
        TopologyTemplates templates = read(file, TopologyTemplates.class);
        templates.templates().forEach((name, topology) -> {
            try {
                Names.require("template name", name);
                validate(topology, catalog, "template " + name);
            } catch (InvalidRequestException e) {
                throw new CatalogException(file + ": " + e.getMessage());
            }
        });
        return templates;
    }

    /** Checks given inline in a request, in the templates' shape. */
    public static CheckSpec[] checksFrom(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return YAML.convertValue(node, CheckSpec[].class);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            throw new IllegalArgumentException(message.lines().findFirst().orElse(message)
                    .replaceAll("\\(class [^)]*\\)", "").replaceAll("io\\.provisioning\\.[a-z.]+\\.", ""));
        }
    }

    private static <T> T read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            throw new CatalogException(file + " is not a file");
        }
        try {
            T value = YAML.readValue(file.toFile(), type);
            if (value == null) {
                throw new CatalogException(file + " is empty");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new CatalogException(file + ": " + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) {
            throw new CatalogException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String location(JsonProcessingException e) {
        String path = e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? " at " + m.getPathReference()
                .replaceAll("io\\.provisioning\\.orchestrator\\.testenv\\.catalog\\.", "") : "";
        return e.getLocation() == null ? path : path + " (line " + e.getLocation().getLineNr() + ")";
    }

    private static void validate(Path file, TaskservCatalog catalog, Taskserv t) {
        String where = file + ": taskserv " + t.name();
        if (!t.name().matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            throw new CatalogException(where + ": names are lower-case letters, digits, '-' and '_'");
        }
        if (!t.isAvailable()) {
            if (t.reason() == null || t.reason().isBlank()) {
                throw new CatalogException(where + ": an unavailable taskserv needs a reason");
            }
            return;
        }
        require(t.image() != null && !t.image().isBlank(), where + ": image is missing");
        require(!t.start().isEmpty(), where + ": start is missing (the command that runs it in the foreground)");
        require(t.readiness() != null && !t.readiness().argv().isEmpty(), where + ": readiness.argv is missing");
        for (CheckSpec check : t.checks()) {
            validateCheck(where, check);
            require(check.runOn() == null || check.runOn().equals("first") || check.runOn().equals("each"),
                    where + ": check " + check.name() + ": run_on is first or each");
            require(check.requiresProfile() == null || catalog.profiles().containsKey(check.requiresProfile()),
                    where + ": check " + check.name() + ": unknown profile " + check.requiresProfile());
        }
        if (t.idempotence() != null) {
            require(!t.idempotence().argv().isEmpty(), where + ": idempotence.argv is missing");
        }
        for (String profile : new String[] {t.optionalProfile(), t.profile()}) {
            require(profile == null || catalog.profiles().containsKey(profile), where + ": unknown profile " + profile);
        }
        for (String path : t.volumes()) {
            require(path.startsWith("/") && !path.contains(".."), where + ": volume paths are absolute; got " + path);
        }
        if (t.resources() != null) {
            try {
                t.resources().validated("resources");
            } catch (InvalidRequestException e) {
                throw new CatalogException(where + ": " + e.getMessage());
            }
        }
    }

    private static void validateCheck(String where, CheckSpec check) {
        require(check.name() != null && !check.name().isBlank(), where + ": a check has no name");
        require(!check.argv().isEmpty(), where + ": check " + check.name() + " has no argv");
    }

    /** Shared by templates and inline topologies; throws {@link InvalidRequestException}. */
    public static void validate(Topology topology, TaskservCatalog catalog, String where) {
        if (topology.nodes().isEmpty()) {
            throw new InvalidRequestException(where + ": topology.nodes must list at least one node");
        }
        if (topology.nodes().size() > 16) {
            throw new InvalidRequestException(where + ": at most 16 nodes");
        }
        if (topology.subnet() != null) {
            Subnet.parse(where + ": topology.network.subnet", topology.subnet());
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < topology.nodes().size(); i++) {
            NodeSpec node = topology.nodes().get(i);
            String at = where + ": topology.nodes[" + i + "]";
            Names.require(at.replace(where + ": ", "") + ".name", node.name());
            if (!node.name().matches("[A-Za-z0-9][A-Za-z0-9-]{0,62}")) {
                throw new InvalidRequestException(at + ".name must be a host name (letters, digits, '-'); got "
                        + node.name());
            }
            if (!names.add(node.name())) {
                throw new InvalidRequestException(at + ".name " + node.name() + " is used twice");
            }
            if (node.role() != null) {
                Names.require(at.replace(where + ": ", "") + ".role", node.role());
            }
            if (node.taskservs().isEmpty()) {
                throw new InvalidRequestException(at + ".taskservs must name at least one taskserv");
            }
            for (String taskserv : node.taskservs()) {
                if (!catalog.taskservs().containsKey(taskserv)) {
                    throw new InvalidRequestException(at + ": unknown taskserv " + taskserv + "; the catalog has "
                            + String.join(", ", catalog.taskservs().keySet()));
                }
            }
            if (node.resources() != null) {
                node.resources().validated(at + ".resources");
            }
            if (node.profile() != null) {
                catalog.profile(node.profile());
            }
        }
        for (CheckSpec check : topology.checks()) {
            if (check.name() == null || check.argv().isEmpty()) {
                throw new InvalidRequestException(where + ": every topology check needs a name and an argv");
            }
            List<String> referenced = new java.util.ArrayList<>(check.stopNodes());
            referenced.add(check.node());
            for (String node : referenced) {
                if (node == null || !names.contains(node)) {
                    throw new InvalidRequestException(where + ": check " + check.name() + " names node " + node
                            + ", which the topology does not have");
                }
            }
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new CatalogException(message);
        }
    }
}
