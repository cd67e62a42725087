package io.provisioning.orchestrator.testenv;

import java.util.Map;
import java.util.Set;

/**
 * Creating → Ready → Running → Completed or Failed; a finished environment may run again.
 * Being cleaned up is not a status: {@code cleaned_up} says so and the last status stays.
 */
public enum EnvironmentStatus {
    Creating,
    Ready,
    Running,
    Completed,
    Failed;

    private static final Map<EnvironmentStatus, Set<EnvironmentStatus>> ALLOWED = Map.of(
            Creating, Set.of(Ready, Failed),
            Ready, Set.of(Running, Failed),
            Running, Set.of(Completed, Failed),
            Completed, Set.of(Running, Failed),
            Failed, Set.of(Running, Failed));

    public boolean canBecome(EnvironmentStatus next) {
        return ALLOWED.get(this).contains(next);
    }
}
