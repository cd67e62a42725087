package io.provisioning.orchestrator.testenv.catalog;

import java.util.List;
import java.util.Map;

/**
 * A catalog entry: the image that has the taskserv, how to install it into a running node,
 * how to start it, when it is ready, its checks and its idempotence check. An entry with
 * {@code available: false} carries the {@code reason} it cannot be had here.
 */
public record Taskserv(String name, Boolean available, String reason, String description, String image,
        List<String> packages, List<String> install, List<String> start, Map<String, String> environment,
        Resources resources, Readiness readiness, List<CheckSpec> checks, CheckSpec idempotence, Cluster cluster,
        List<String> volumes, String optionalProfile, String profile, List<Map<String, Object>> ports, String stopSignal) {

    public Taskserv {
        packages = packages == null ? List.of() : List.copyOf(packages);
        install = install == null ? List.of() : List.copyOf(install);
        start = start == null ? List.of() : List.copyOf(start);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        checks = checks == null ? List.of() : List.copyOf(checks);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** Entries say {@code available: false} explicitly; anything else is available. */
    public boolean isAvailable() {
        return available == null || available;
    }

    /** Clustered taskservs list every member in {@code {{cluster_members}}}. */
    public record Cluster(String memberFormat) {}

    public Taskserv named(String name) {
        return new Taskserv(name, available, reason, description, image, packages, install, start, environment,
                resources, readiness, checks, idempotence, cluster, volumes, optionalProfile, profile, ports, stopSignal);
    }
}
