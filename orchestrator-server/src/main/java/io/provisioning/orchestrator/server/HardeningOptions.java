package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.execution.ScriptEnvironment;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Resource limits, least privilege and retention: how many cluster plans run at once and for how
 * long, which of the server's environment variables scripts see besides the fixed allow-list,
 * whether admins may ask for privileged test environments, under which root an online storage
 * migration may put its data, and how long finished tasks are kept (null: for ever).
 */
public record HardeningOptions(ClusterPlanner.Limits clusterPlanning, List<String> scriptEnv,
        boolean allowPrivilegedTestEnv, Path migrationRoot, Duration taskRetention) {
    public HardeningOptions {
        scriptEnv = List.copyOf(scriptEnv);
    }

    /** The defaults: {@link ClusterPlanner.Limits#DEFAULTS}, no extra variables, nothing privileged, migrations under the data dir, tasks kept. */
    public static HardeningOptions defaults() {
        return new HardeningOptions(ClusterPlanner.Limits.DEFAULTS, List.of(), false, null, null);
    }

    public ScriptEnvironment scriptEnvironment() {
        return new ScriptEnvironment(scriptEnv);
    }

    /** Where migration targets must live: the configured root, else the data dir. */
    public Path migrationRootOr(Path dataDir) {
        return (migrationRoot != null ? migrationRoot : dataDir).toAbsolutePath().normalize();
    }
}
