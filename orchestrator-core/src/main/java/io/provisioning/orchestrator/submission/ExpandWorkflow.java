package io.provisioning.orchestrator.submission;

import io.provisioning.orchestrator.task.TaskBuilder;
import io.provisioning.orchestrator.workflow.ClusterPlan;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import io.provisioning.orchestrator.workflow.WorkflowKind;
import io.provisioning.orchestrator.workflow.WorkflowPlanner;
import io.provisioning.orchestrator.workflow.WorkflowRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one validated workflow into the tasks that run it, each after what it waits for; the last
 * one is the answer. A cluster create becomes a visible DAG: servers create, then each taskserv in
 * the order the cluster definition gives, each waiting for the one before, and the cluster task
 * itself (its checks) waiting for the last. Nothing is stored here. One instance serves one
 * submission: a batch that names the same cluster several times asks the library once.
 */
final class ExpandWorkflow {
    private final WorkflowPlanner planner;
    private final ClusterPlanner clusterPlanner;
    private final Map<List<String>, ClusterPlan> plans = new HashMap<>();

    ExpandWorkflow(WorkflowPlanner planner, ClusterPlanner clusterPlanner) {
        this.planner = planner;
        this.clusterPlanner = clusterPlanner;
    }

    List<TaskBuilder> tasksOf(WorkflowRequest request) {
        if (request.kind() != WorkflowKind.CLUSTER || !request.operation().equals("create")) {
            return List.of(planner.plan(request));
        }
        ClusterPlan plan = plans.computeIfAbsent(List.of(request.target(), request.infra(), request.settings()),
                k -> clusterPlanner.plan(request));
        List<TaskBuilder> tasks = new ArrayList<>();
        List<String> previous = request.dependsOn();
        if (!plan.servers().isEmpty()) {
            previous = add(tasks, part(request, WorkflowKind.SERVERS, null, plan.servers(), previous));
        }
        for (String taskserv : plan.taskservs()) {
            previous = add(tasks, part(request, WorkflowKind.TASKSERV, taskserv, plan.servers(), previous));
        }
        add(tasks, request.dependingOn(previous));
        return tasks;
    }

    private List<String> add(List<TaskBuilder> tasks, WorkflowRequest request) {
        TaskBuilder task = planner.plan(request);
        tasks.add(task);
        return List.of(task.id());
    }

    private static WorkflowRequest part(WorkflowRequest cluster, WorkflowKind kind, String target, List<String> servers,
            List<String> after) {
        return cluster.toBuilder().kind(kind).target(target).servers(servers).dependsOn(after)
                .continueOnDependencyFailure(false).build();
    }
}
