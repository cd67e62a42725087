package io.provisioning.orchestrator.server;

import java.nio.file.Path;

/**
 * Settings of the Test Environment Service. A catalog or templates file given on the command line
 * must be valid (the server refuses to start otherwise); the shipped defaults may be absent
 * (a jar run elsewhere), and then the /test routes answer 503 with the reason.
 */
public record TestEnvOptions(String dockerHost, Path catalog, boolean catalogGiven, Path topologies,
        boolean topologiesGiven, int parallelCreations, boolean allowPrivileged) {
    /** Privileged environments refused to everyone. */
    public TestEnvOptions(String dockerHost, Path catalog, boolean catalogGiven, Path topologies,
            boolean topologiesGiven, int parallelCreations) {
        this(dockerHost, catalog, catalogGiven, topologies, topologiesGiven, parallelCreations, false);
    }
}
