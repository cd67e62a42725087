package io.provisioning.orchestrator.workflow;

import io.provisioning.orchestrator.task.Priority;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskBuilder;
import java.util.ArrayList;
import java.util.List;

/** Turns a validated workflow request into the task that runs it: {@code <nu> <provisioning-path> <words...>}. */
public final class WorkflowPlanner {
    private final String nuPath;
    private final String provisioningPath;
    private final int defaultMaxAttempts;
    private final int defaultTimeoutSeconds;

    public WorkflowPlanner(String nuPath, String provisioningPath, int defaultMaxAttempts, int defaultTimeoutSeconds) {
        this.nuPath = nuPath;
        this.provisioningPath = provisioningPath;
        this.defaultMaxAttempts = defaultMaxAttempts;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
    }

    public TaskBuilder plan(WorkflowRequest request) {
        List<String> args = new ArrayList<>();
        args.add(provisioningPath);
        args.addAll(request.scriptWords());
        return Task.builder()
                .name(request.displayName())
                .command(nuPath)
                .args(args)
                .dependencies(request.dependsOn())
                .priority(request.priority() != null ? request.priority() : Priority.NORMAL)
                .maxAttempts(request.maxAttempts() != null ? request.maxAttempts() : defaultMaxAttempts)
                .timeoutSeconds(request.timeoutSeconds() != null ? request.timeoutSeconds() : defaultTimeoutSeconds)
                .locks(request.lockKeys())
                .continueOnDependencyFailure(request.continueOnDependencyFailure())
                .workflow(request.kind().word() + "." + request.operation())
                .infra(request.infra());
    }
}
