package io.provisioning.orchestrator.testenv.catalog;

import java.util.List;

/** A command polled with docker exec until it exits 0. */
public record Readiness(List<String> argv, Integer intervalMs, Integer timeoutS) {
    public Readiness {
        argv = argv == null ? List.of() : List.copyOf(argv);
    }

    public Readiness withDefaults(Readiness defaults) {
        return new Readiness(argv, intervalMs != null ? intervalMs : defaults.intervalMs,
                timeoutS != null ? timeoutS : defaults.timeoutS);
    }
}
