package io.provisioning.orchestrator.testenv;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** The three kinds of environment of SPEC §6, spelled as the compat API spells them. */
public enum EnvironmentType {
    SINGLE_TASKSERV("single_taskserv"),
    SERVER_SIMULATION("server_simulation"),
    CLUSTER_TOPOLOGY("cluster_topology");

    private final String wire;

    EnvironmentType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public static Optional<EnvironmentType> parse(String text) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(text)).findFirst();
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    static EnvironmentType fromJson(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("unknown environment type " + text));
    }
}
