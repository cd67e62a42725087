package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.catalog.CheckSpec;
import io.provisioning.orchestrator.testenv.catalog.Profile;
import io.provisioning.orchestrator.testenv.catalog.Resources;
import io.provisioning.orchestrator.testenv.catalog.Taskserv;
import java.util.List;
import java.util.Map;

/** What an environment is made of, resolved against the catalog: nodes in start order and cross-node checks. */
public record EnvironmentPlan(String subnet, List<Node> nodes, List<CheckSpec> topologyChecks) {

    /**
     * One container. {@code viaExec}: the container runs the idle command and each taskserv is
     * installed and started with docker exec (server simulation, or a base image without the
     * taskserv); otherwise the image's taskserv is the container's command.
     */
    public record Node(String name, String role, String image, List<String> command, Map<String, String> env,
            List<Taskserv> taskservs, Resources resources, String profileName, Profile profile, boolean viaExec) {

        public List<String> taskservNames() {
            return taskservs.stream().map(Taskserv::name).toList();
        }

        public boolean has(String taskserv) {
            return taskservs.stream().anyMatch(t -> t.name().equals(taskserv));
        }
    }

    public Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name));
    }
}
