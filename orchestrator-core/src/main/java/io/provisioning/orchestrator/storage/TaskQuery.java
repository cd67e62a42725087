package io.provisioning.orchestrator.storage;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import io.provisioning.orchestrator.workflow.Printable;
import io.provisioning.orchestrator.workflow.WorkflowKind;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A page of tasks, newest first, with any of: one status, one workflow ({@code servers.create}…),
 * one infra, a task they depend on ({@code dependsOn}: a task's dependents). Every backend filters and counts in the store, so {@link TaskPage#total()} counts
 * every match, not just the page. A bad filter value is refused here, with one sentence.
 */
public record TaskQuery(TaskStatus status, String workflow, String infra, String dependsOn, int limit, int offset) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;
    private static final Pattern INFRA = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    public TaskQuery {
        workflow = workflow == null || workflow.isEmpty() ? null : workflow;
        infra = infra == null || infra.isEmpty() ? null : infra;
        dependsOn = dependsOn == null || dependsOn.isEmpty() ? null : dependsOn;
        if (workflow != null && !WorkflowKind.names().contains(workflow)) {
            throw new InvalidRequestException("unknown workflow " + Printable.quote(workflow) + "; use one of "
                    + String.join(", ", WorkflowKind.names()));
        }
        if (infra != null && (!INFRA.matcher(infra).matches() || infra.contains(".."))) {
            throw new InvalidRequestException("query parameter 'infra' must be a name of letters, digits, '.', '-' or '_'"
                    + " (at most 63, starting with a letter or digit); got " + Printable.quote(infra));
        }
        if (dependsOn != null && !TASK_ID.matcher(dependsOn).matches()) {
            throw new InvalidRequestException("query parameter 'depends_on' must be a task id; got " + Printable.quote(dependsOn));
        }
        dependsOn = dependsOn == null ? null : dependsOn.toLowerCase(Locale.ROOT);
        if (limit < 1 || limit > MAX_LIMIT || offset < 0) {
            throw new InvalidRequestException("a page needs a limit from 1 to " + MAX_LIMIT + " and an offset of 0 or more");
        }
    }

    /** Status only (null: any). */
    public TaskQuery(TaskStatus status, int limit, int offset) {
        this(status, null, null, null, limit, offset);
    }

    public static TaskQuery all() {
        return new TaskQuery(null, MAX_LIMIT, 0);
    }

    public TaskQuery withWorkflow(String workflow) {
        return new TaskQuery(status, workflow, infra, dependsOn, limit, offset);
    }

    public TaskQuery withInfra(String infra) {
        return new TaskQuery(status, workflow, infra, dependsOn, limit, offset);
    }

    public TaskQuery withDependsOn(String taskId) {
        return new TaskQuery(status, workflow, infra, taskId, limit, offset);
    }

    /** The same filter, another page. */
    public TaskQuery page(int limit, int offset) {
        return new TaskQuery(status, workflow, infra, dependsOn, limit, offset);
    }

    /** The same filter with any status (for counting per status). */
    public TaskQuery anyStatus() {
        return new TaskQuery(null, workflow, infra, dependsOn, limit, offset);
    }

    /** Whether a filter beyond the status is set (backends that keep counts per status only need to count these). */
    public boolean filtersBeyondStatus() {
        return workflow != null || infra != null || dependsOn != null;
    }

    /** Whether the task passes the filter (for backends that filter in memory). */
    public boolean matches(Task task) {
        return (status == null || task.status() == status)
                && (workflow == null || workflow.equals(task.workflow()))
                && (infra == null || infra.equals(task.infra()))
                && (dependsOn == null || task.dependencies().contains(dependsOn));
    }
}
