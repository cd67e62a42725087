package io.provisioning.orchestrator.testenv.catalog;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.workflow.Printable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The taskserv catalog file (docker/taskservs/catalog.yaml), read once at start. */
public record TaskservCatalog(Integer version, String baseImage, List<String> idleCommand, Map<String, String> labels,
        Readiness readinessDefaults, Map<String, Profile> profiles, Map<String, Taskserv> taskservs) {

    public TaskservCatalog {
        idleCommand = idleCommand == null ? List.of("/usr/local/bin/taskserv-idle") : List.copyOf(idleCommand);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        readinessDefaults = readinessDefaults == null ? new Readiness(List.of(), 200, 60) : readinessDefaults;
        profiles = profiles == null ? Map.of() : Map.copyOf(profiles);
        Map<String, Taskserv> named = new LinkedHashMap<>();
        if (taskservs != null) {
            taskservs.forEach((name, entry) -> named.put(name, entry.named(name)));
        }
        taskservs = java.util.Collections.unmodifiableMap(named);
    }

    /** The entry for {@code name}; unknown or unavailable taskservs are refused with the catalog's reason. */
    public Taskserv require(String name) {
        Taskserv taskserv = taskservs.get(name);
        if (taskserv == null) {
            throw new InvalidRequestException("unknown taskserv " + Printable.quote(name) + "; the catalog has "
                    + String.join(", ", taskservs.keySet()));
        }
        if (!taskserv.isAvailable()) {
            throw new TaskservUnavailableException(name, taskserv.reason());
        }
        return taskserv;
    }

    public Profile profile(String name) {
        Profile profile = profiles.get(name);
        if (profile == null) {
            throw new InvalidRequestException("unknown profile " + Printable.quote(name) + "; the catalog has "
                    + String.join(", ", profiles.keySet()));
        }
        return profile;
    }
}
