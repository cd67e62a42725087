package io.provisioning.orchestrator.testenv.catalog;

import java.util.List;

/**
 * One check: a command run in a node with docker exec and what it must show. Catalog checks may
 * say {@code run_on} (first or each node having the taskserv) and {@code requires_profile};
 * topology checks name their {@code node} and may stop {@code stop_nodes} around the check.
 */
public record CheckSpec(String name, List<String> argv, Expectation expect, String runOn, String requiresProfile,
        String node, List<String> stopNodes, Integer timeoutS) {

    public CheckSpec {
        argv = argv == null ? List.of() : List.copyOf(argv);
        expect = expect == null ? new Expectation(0, null, null) : expect;
        stopNodes = stopNodes == null ? List.of() : List.copyOf(stopNodes);
    }

    public boolean onEachNode() {
        return "each".equals(runOn);
    }
}
