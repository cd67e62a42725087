package io.provisioning.orchestrator.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.progress.PlainProgress;
import io.provisioning.orchestrator.cli.progress.ProgressBar;
import io.provisioning.orchestrator.cli.progress.TaskFollower;
import io.provisioning.orchestrator.cli.progress.TaskProgress;
import io.provisioning.orchestrator.cli.progress.TaskState;

/**
 * Follows a task to its end with live progress, then reports how it ended. The exit code is the
 * task's: 0 Completed, 1 Failed or Cancelled.
 */
public final class TaskWatch {
    private final Session session;

    public TaskWatch(Session session) {
        this.session = session;
    }

    public int watch(String taskId, boolean showLogs) {
        JsonNode task = new TaskFollower(session.client(), progress(), showLogs, session.err()::println).follow(taskId);
        TaskState state = TaskState.of(task);
        if (session.printer().isJson()) {
            session.printer().json(task);
        }
        return switch (state.status()) {
            case "Completed" -> {
                if (!session.printer().isJson()) {
                    session.printer().line("task " + state.id() + " Completed");
                }
                yield ExitCodes.OK;
            }
            case "Cancelled" -> throw new CliException.OperationFailed("task " + state.id() + " was cancelled"
                    + (state.error().isEmpty() ? "" : ": " + state.error()));
            default -> throw new CliException.OperationFailed("task " + state.id() + " " + state.status()
                    + (state.error().isEmpty() ? "" : ": " + state.error()));
        };
    }

    /** A bar on a terminal, lines elsewhere; with JSON output the progress goes to stderr as lines. */
    private TaskProgress progress() {
        if (session.printer().isJson()) {
            return new PlainProgress(session.err());
        }
        return session.drawsBar() ? new ProgressBar(session.out(), session.width()) : new PlainProgress(session.out());
    }
}
