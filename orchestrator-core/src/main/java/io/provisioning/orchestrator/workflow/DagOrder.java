package io.provisioning.orchestrator.workflow;

import io.provisioning.orchestrator.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Orders the nodes of a submitted DAG so that every node comes after what it depends on; rejects cycles. */
public final class DagOrder {
    private DagOrder() {}

    /**
     * @param edges node -> the nodes it depends on (all must be keys of the map)
     * @return the nodes in an order where dependencies come first
     */
    public static List<String> of(Map<String, List<String>> edges) {
        for (var entry : edges.entrySet()) {
            for (String dependency : entry.getValue()) {
                if (!edges.containsKey(dependency)) {
                    throw new InvalidRequestException("'" + entry.getKey() + "' depends on unknown '" + dependency + "'");
                }
            }
        }
        List<String> order = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
        for (String node : edges.keySet()) {
            visit(node, edges, state, order, new ArrayList<>());
        }
        return order;
    }

    private static void visit(String node, Map<String, List<String>> edges, Map<String, Integer> state,
            List<String> order, List<String> path) {
        Integer seen = state.get(node);
        if (seen != null && seen == 2) {
            return;
        }
        path.add(node);
        if (seen != null) {
            List<String> cycle = path.subList(path.indexOf(node), path.size());
            throw new InvalidRequestException("the workflow has a cycle: " + String.join(" -> ", cycle));
        }
        state.put(node, 1);
        for (String dependency : edges.get(node)) {
            visit(dependency, edges, state, order, path);
        }
        state.put(node, 2);
        path.remove(path.size() - 1);
        order.add(node);
    }

    public static Map<String, List<String>> edges() {
        return new LinkedHashMap<>();
    }
}
