package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.engine.TaskRetention;
import io.provisioning.orchestrator.execution.ScriptEnvironment;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import java.nio.file.Path;
import java.util.List;

/**
 * Resource limits and least privilege: how many cluster plans run at once and for how long, which
 * of the server's environment variables scripts see besides the fixed allow-list, whether admins
 * may ask for privileged test environments, and under which root an online storage migration may
 * put its data, and how long finished tasks are kept.
 */
public record HardeningOptions(ClusterPlanner.Limits clusterPlanning, List<String> scriptEnv,
        boolean allowPrivilegedTestEnv, Path migrationRoot, TaskRetention taskRetention) {
    public HardeningOptions {
        scriptEnv = List.copyOf(scriptEnv);
    }

    /**
     * The defaults: {@link ClusterPlanner.Limits#DEFAULTS}, no extra variables, nothing privileged,
     * migrations under the data dir, every task kept ({@link TaskRetention#FOREVER}).
     */
    public static HardeningOptions defaults() {
        return new HardeningOptions(ClusterPlanner.Limits.DEFAULTS, List.of(), false, null, TaskRetention.FOREVER);
    }

    public ScriptEnvironment scriptEnvironment() {
        return new ScriptEnvironment(scriptEnv);
    }

    /** Where migration targets must live: the configured root, else the data dir. */
    public Path migrationRootOr(Path dataDir) {
        return (migrationRoot != null ? migrationRoot : dataDir).toAbsolutePath().normalize();
    }
}
