package io.provisioning.orchestrator.engine;

import java.util.Map;

/**
 * How many tasks may hold one lock key at once. Keys look like {@code server:<infra>/<name>},
 * {@code workflow:<type>} and {@code infra:<name>}. Default: one running operation per server;
 * workflow types and infras are unlimited unless configured.
 */
public record ConcurrencyLimits(int perServer, Map<String, Integer> perWorkflow, Map<String, Integer> perInfra) {
    public static ConcurrencyLimits defaults() {
        return new ConcurrencyLimits(1, Map.of(), Map.of());
    }

    /** The limit for one key, or {@link Integer#MAX_VALUE} when it has none. */
    public int limitFor(String key) {
        if (key.startsWith("server:")) {
            return perServer;
        }
        if (key.startsWith("workflow:")) {
            return perWorkflow.getOrDefault(key.substring("workflow:".length()), Integer.MAX_VALUE);
        }
        if (key.startsWith("infra:")) {
            return perInfra.getOrDefault(key.substring("infra:".length()), Integer.MAX_VALUE);
        }
        return Integer.MAX_VALUE;
    }
}
