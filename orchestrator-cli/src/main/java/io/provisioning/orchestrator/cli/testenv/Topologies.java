package io.provisioning.orchestrator.cli.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Topology templates from the server, or a topology given as JSON (a file or stdin). */
final class Topologies {
    private final Session session;

    Topologies(Session session) {
        this.session = session;
    }

    JsonNode list() {
        return session.client().get("/test/topologies");
    }

    JsonNode load(String name) {
        return session.client().get("/test/topologies/" + OrchestratorClient.segment(name.strip()));
    }

    /** The name of the one template made for this cluster type (its {@code cluster_type}). */
    String nameFor(String clusterType) {
        List<String> names = new ArrayList<>();
        for (JsonNode template : TopologyCommand.asList(list())) {
            if (clusterType.equals(template.path("cluster_type").asText())) {
                names.add(template.path("name").asText());
            }
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        throw new CliException.BadInput(names.isEmpty()
                ? "no topology template is made for cluster type " + clusterType
                        + "; give one with --topology (see 'provisioning test topology list')"
                : "several topology templates are made for cluster type " + clusterType + " (" + String.join(", ", names)
                        + "); choose one with --topology");
    }

    /** The {@code topology} of a create body: {@code {nodes, network}}, from a template, file or stdin. */
    JsonNode resolve(String source) {
        JsonNode given;
        if (source.equals("-")) {
            given = parse("stdin", readStdin());
        } else if (source.endsWith(".json") || Files.isRegularFile(Path.of(source))) {
            try {
                given = parse(source, Files.readString(Path.of(source)));
            } catch (IOException e) {
                throw new CliException.BadInput("cannot read topology file " + source + ": " + e.getMessage());
            }
        } else {
            given = load(source);
        }
        return topologyOf(given, source);
    }

    /**
     * A template is itself the topology ({@code nodes}, {@code network}, and its cross-node
     * {@code checks}); a record that wraps one under {@code topology} is unwrapped.
     */
    static JsonNode topologyOf(JsonNode given, String source) {
        if (given.path("topology").isObject()) {
            return given.path("topology");
        }
        if (given.path("nodes").isArray()) {
            return given;
        }
        throw new CliException.BadInput("topology " + source + " has no nodes");
    }

    private String readStdin() {
        try {
            return new String(session.in().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException.BadInput("cannot read the topology from stdin: " + e.getMessage());
        }
    }

    private static JsonNode parse(String source, String text) {
        try {
            return OrchestratorClient.JSON.readTree(text);
        } catch (IOException e) {
            throw new CliException.BadInput("topology from " + source + " is not valid JSON");
        }
    }
}
