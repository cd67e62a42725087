package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.catalog.Taskserv;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Fills {@code {{node_name}}}, {@code {{cluster_members}}} and {@code {{cluster_token}}} in one
 * argument at a time: values never pass through a shell, so they cannot split or inject words.
 */
public record Placeholders(String nodeName, String clusterMembers, String clusterToken) {

    public static Placeholders forNode(EnvironmentPlan plan, EnvironmentPlan.Node node, Taskserv taskserv,
            String environmentId) {
        String members = node.name();
        if (taskserv.cluster() != null && taskserv.cluster().memberFormat() != null) {
            members = plan.nodes().stream().filter(n -> n.has(taskserv.name()))
                    .map(n -> taskserv.cluster().memberFormat().replace("{{node_name}}", n.name()))
                    .collect(Collectors.joining(","));
        }
        return new Placeholders(node.name(), members, environmentId + "-" + taskserv.name());
    }

    public String apply(String text) {
        return text.replace("{{node_name}}", nodeName).replace("{{cluster_members}}", clusterMembers)
                .replace("{{cluster_token}}", clusterToken);
    }

    public List<String> apply(List<String> argv) {
        return argv.stream().map(this::apply).toList();
    }
}
