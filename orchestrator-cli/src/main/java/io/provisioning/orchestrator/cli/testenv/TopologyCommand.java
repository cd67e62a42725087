package io.provisioning.orchestrator.cli.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.provisioning.orchestrator.cli.CommandGroup;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import io.provisioning.orchestrator.cli.render.Column;
import io.provisioning.orchestrator.cli.render.Fields;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code provisioning test topology list|load}: the cluster topology templates. */
@Command(name = "topology", description = "Cluster topology templates (kubernetes_3node, etcd_cluster, ...).")
public final class TopologyCommand extends CommandGroup {
    private static final List<Column> NODES = List.of(
            Column.field("NODE", "name"),
            Column.field("ROLE", "role"),
            new Column("TASKSERVS", n -> Fields.text(n.path("taskservs"))),
            new Column("RESOURCES", n -> n.path("resources").isObject()
                    ? n.path("resources").path("cpu_millicores").asText("?") + "m / "
                            + n.path("resources").path("memory_mb").asText("?") + "MB" : ""));

    private final Session session;
    private final Topologies topologies;

    TopologyCommand(Session session) {
        this.session = session;
        this.topologies = new Topologies(session);
    }

    @Command(name = "list", description = "Lists the topology templates.")
    int list() {
        session.printer().list(asList(topologies.list()), EnvironmentViews.TOPOLOGIES, "no topology templates");
        return ExitCodes.OK;
    }

    @Command(name = "load", description = {"Prints a template; with -o json it feeds 'test env cluster --topology -'."})
    int load(@Parameters(paramLabel = "NAME") String name) {
        JsonNode template = topologies.load(name);
        if (session.printer().isJson()) {
            session.printer().json(template);
            return ExitCodes.OK;
        }
        JsonNode topology = Topologies.topologyOf(template, name);
        session.printer().line("topology " + (template.path("name").isTextual() ? template.path("name").asText() : name)
                + (topology.path("network").path("subnet").isTextual()
                        ? " (network " + topology.path("network").path("subnet").asText() + ")" : ""));
        session.printer().list(topology.path("nodes"), NODES, "no nodes");
        return ExitCodes.OK;
    }

    /** The list endpoint may answer a list of templates, a list of names, or a map of name to template. */
    static JsonNode asList(JsonNode answer) {
        if (answer.isArray()) {
            ArrayNode list = OrchestratorClient.JSON.createArrayNode();
            for (JsonNode item : answer) {
                list.add(item.isTextual() ? OrchestratorClient.JSON.createObjectNode().put("name", item.asText()) : item);
            }
            return list;
        }
        if (!answer.isObject()) {
            return answer;
        }
        ArrayNode list = OrchestratorClient.JSON.createArrayNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = answer.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            var row = entry.getValue().isObject()
                    ? ((com.fasterxml.jackson.databind.node.ObjectNode) entry.getValue().deepCopy())
                    : OrchestratorClient.JSON.createObjectNode();
            if (!row.has("name")) {
                row.put("name", entry.getKey());
            }
            list.add(row);
        }
        return list;
    }
}
