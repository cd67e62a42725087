package io.provisioning.orchestrator.testenv.catalog;

import java.util.List;

/**
 * Nodes on one network, as a template of docker/topologies.yaml or inline in a
 * cluster_topology request; {@code checks} run across nodes after the taskservs' own.
 */
public record Topology(String description, String clusterType, Network network, List<NodeSpec> nodes,
        List<CheckSpec> checks) {
    public Topology {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    public String subnet() {
        return network == null ? null : network.subnet();
    }

    public Topology withSubnet(String subnet) {
        return new Topology(description, clusterType, new Network(subnet), nodes, checks);
    }

    public record Network(String subnet) {}
}
