package io.provisioning.orchestrator.testenv;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels that find everything an environment made. {@code owner} is this server's id (kept
 * in its data dir), so a server only ever sweeps what it made itself, even when several servers
 * share one Docker daemon.
 */
public final class Labels {
    public static final String MANAGED = "io.provisioning.managed";
    public static final String ENVIRONMENT = "io.provisioning.testenv";
    public static final String OWNER = "io.provisioning.testenv.owner";
    /** The folder holding the owner's id file ({@code <data-dir>/testenv}): gone or re-made means the owner is gone. */
    public static final String OWNER_HOME = "io.provisioning.testenv.owner-home";
    public static final String NODE = "io.provisioning.node";
    public static final String ROLE = "io.provisioning.role";
    public static final String TASKSERVS = "io.provisioning.taskservs";

    private Labels() {}

    public static Map<String, String> ofEnvironment(String owner, String environmentId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED, "true");
        labels.put(OWNER, owner);
        labels.put(ENVIRONMENT, environmentId);
        return labels;
    }

    /** As {@link #ofEnvironment}, plus where the owner keeps its id (null: not known). */
    public static Map<String, String> ofEnvironment(String owner, java.nio.file.Path ownerHome, String environmentId) {
        Map<String, String> labels = ofEnvironment(owner, environmentId);
        if (ownerHome != null) {
            labels.put(OWNER_HOME, ownerHome.toAbsolutePath().normalize().toString());
        }
        return labels;
    }

    public static Map<String, String> ofOwner(String owner) {
        return Map.of(MANAGED, "true", OWNER, owner);
    }

    /** Docker names: {@code te-<first 12 hex digits of the id>[-suffix]}. */
    public static String dockerName(String environmentId, String suffix) {
        String shortId = environmentId.replace("-", "").substring(0, 12);
        return suffix == null ? "te-" + shortId : "te-" + shortId + "-" + suffix;
    }
}
