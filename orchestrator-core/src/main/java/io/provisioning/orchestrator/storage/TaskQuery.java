package io.provisioning.orchestrator.storage;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import io.provisioning.orchestrator.workflow.Printable;
import io.provisioning.orchestrator.workflow.WorkflowKind;
import java.util.regex.Pattern;

/**
 * A page of tasks, newest first, with any of: one status, one workflow ({@code servers.create}…),
 * one infra. Every backend filters and counts in the store, so {@link TaskPage#total()} counts
 * every match, not just the page. A bad filter value is refused here, with one sentence.
 */
public record TaskQuery(TaskStatus status, String workflow, String infra, int limit, int offset) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;
    private static final Pattern INFRA = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public TaskQuery {
        workflow = workflow == null || workflow.isEmpty() ? null : workflow;
        infra = infra == null || infra.isEmpty() ? null : infra;
        if (workflow != null && !WorkflowKind.names().contains(workflow)) {
            throw new InvalidRequestException("unknown workflow " + Printable.quote(workflow) + "; use one of "
                    + String.join(", ", WorkflowKind.names()));
        }
        if (infra != null && (!INFRA.matcher(infra).matches() || infra.contains(".."))) {
            throw new InvalidRequestException("query parameter 'infra' must be a name of letters, digits, '.', '-' or '_'"
                    + " (at most 63, starting with a letter or digit); got " + Printable.quote(infra));
        }
        if (limit < 1 || limit > MAX_LIMIT || offset < 0) {
            throw new InvalidRequestException("a page needs a limit from 1 to " + MAX_LIMIT + " and an offset of 0 or more");
        }
    }

    /** Status only (null: any). */
    public TaskQuery(TaskStatus status, int limit, int offset) {
        this(status, null, null, limit, offset);
    }

    public static TaskQuery all() {
        return new TaskQuery(null, MAX_LIMIT, 0);
    }

    public TaskQuery withWorkflow(String workflow) {
        return new TaskQuery(status, workflow, infra, limit, offset);
    }

    public TaskQuery withInfra(String infra) {
        return new TaskQuery(status, workflow, infra, limit, offset);
    }

    /** The same filter, another page. */
    public TaskQuery page(int limit, int offset) {
        return new TaskQuery(status, workflow, infra, limit, offset);
    }

    /** Whether a filter beyond the status is set (backends that keep counts per status only need to count these). */
    public boolean filtersBeyondStatus() {
        return workflow != null || infra != null;
    }

    /** Whether the task passes the filter (for backends that filter in memory). */
    public boolean matches(Task task) {
        return (status == null || task.status() == status)
                && (workflow == null || workflow.equals(task.workflow()))
                && (infra == null || infra.equals(task.infra()));
    }
}
