package io.provisioning.orchestrator.testenv.catalog;

import java.util.List;

/** One node of a topology: its name (hostname and network alias), role, taskservs in order, limits. */
public record NodeSpec(String name, String role, List<String> taskservs, Resources resources, String profile) {
    public NodeSpec {
        taskservs = taskservs == null ? List.of() : List.copyOf(taskservs);
    }
}
