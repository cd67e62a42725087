package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.engine.TaskRetention;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags of {@link HardeningOptions}. */
final class HardeningFlags {
    @Option(names = "--cluster-plan-limit", defaultValue = "2",
            description = "cluster planning processes (nu) that may run at once; more requests get 429 with Retry-After (default: ${DEFAULT-VALUE})")
    int clusterPlanLimit;

    @Option(names = "--cluster-plan-timeout", defaultValue = "60",
            description = "seconds a cluster plan may take before its process tree is ended (default: ${DEFAULT-VALUE})")
    int clusterPlanTimeoutSeconds;

    @Option(names = "--script-env",
            description = "pass this variable of the server's environment on to scripts, besides PATH, HOME, LANG and PROVISIONING_* (repeatable)")
    List<String> scriptEnv = new ArrayList<>();

    @Option(names = "--allow-privileged-testenv",
            description = "let admins create test environments with privileged profiles (e.g. nested), another base_image or inline checks")
    boolean allowPrivilegedTestEnv;

    @Option(names = "--storage-migration-root",
            description = "POST /storage/migrations takes only data dirs under this folder (default: the data dir)")
    Path migrationRoot;

    @Option(names = "--task-retention-days", defaultValue = "0",
            description = "finished tasks (Completed, Failed, Cancelled) are deleted with their logs this many days after "
                    + "they finished, except a dependency of an unfinished task; 0 keeps them forever (default: ${DEFAULT-VALUE})")
    long taskRetentionDays;

    @Option(names = "--task-retention-sweep-seconds", defaultValue = "600",
            description = "how often the task retention looks for tasks to delete, besides once at start (default: ${DEFAULT-VALUE})")
    long taskRetentionSweepSeconds;

    /** The options, or a sentence saying which flag is wrong. */
    HardeningOptions resolve() {
        if (clusterPlanLimit < 1 || clusterPlanLimit > 256) {
            throw new IllegalArgumentException("--cluster-plan-limit must be from 1 to 256");
        }
        if (clusterPlanTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--cluster-plan-timeout must be at least 1 second");
        }
        if (migrationRoot != null && !migrationRoot.isAbsolute()) {
            migrationRoot = migrationRoot.toAbsolutePath();
        }
        if (taskRetentionDays < 0 || taskRetentionDays > 36_500) {
            throw new IllegalArgumentException("--task-retention-days must be from 0 (keep forever) to 36500");
        }
        if (taskRetentionSweepSeconds < 1) {
            throw new IllegalArgumentException("--task-retention-sweep-seconds must be at least 1");
        }
        new io.provisioning.orchestrator.execution.ScriptEnvironment(scriptEnv); // checks the names
        return new HardeningOptions(new ClusterPlanner.Limits(clusterPlanLimit, Duration.ofSeconds(clusterPlanTimeoutSeconds)),
                scriptEnv, allowPrivilegedTestEnv, migrationRoot == null ? null : migrationRoot.normalize(),
                TaskRetention.days(taskRetentionDays, Duration.ofSeconds(taskRetentionSweepSeconds)));
    }
}
