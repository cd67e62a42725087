package io.provisioning.orchestrator.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.cli.CommandGroup;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import io.provisioning.orchestrator.cli.progress.TaskState;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code provisioning task list|show|cancel|retry|delete|logs|watch}. */
@Command(name = "task", description = "Lists, inspects, cancels, retries, deletes and follows tasks.")
public final class TaskCommand extends CommandGroup {
    private final Session session;

    TaskCommand(Session session) {
        this.session = session;
    }

    @Command(name = "list", description = "Lists tasks, newest first.")
    int list(@Option(names = "--status", paramLabel = "STATUS",
                    description = "Pending, Running, Completed, Failed or Cancelled") String status,
            @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "1-1000 (default: ${DEFAULT-VALUE})")
            int limit,
            @Option(names = "--offset", paramLabel = "N", defaultValue = "0") int offset) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("status", status);
        query.put("limit", limit);
        query.put("offset", offset);
        JsonNode tasks = session.client().get("/tasks", query);
        session.printer().list(tasks, TaskColumns.LIST, "no tasks");
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "Shows one task.")
    int show(@Parameters(paramLabel = "TASK_ID") String id) {
        JsonNode task = session.client().get(path(id));
        if (session.printer().isJson()) {
            session.printer().json(task);
            return ExitCodes.OK;
        }
        ObjectNode view = task.deepCopy();
        TaskState state = TaskState.of(task);
        view.put("progress", state.percent() + "%" + (state.message().isEmpty() ? "" : " " + state.message()));
        view.remove("sequence");
        view.remove("args");
        view.put("command", String.join(" ", TaskColumns.commandLine(task)));
        String output = view.path("output").asText("");
        view.put("output", output.isEmpty() ? "" : output.lines().count() + " lines (provisioning task logs " + id + ")");
        view.remove("history");
        if (!view.path("continue_on_dependency_failure").asBoolean(false)) {
            view.remove("continue_on_dependency_failure");
        }
        session.printer().record(view, TaskColumns.DETAIL);
        if (task.path("history").isArray() && !task.path("history").isEmpty()) {
            session.printer().line("");
            session.printer().list(task.path("history"), TaskColumns.HISTORY, "");
        }
        return ExitCodes.OK;
    }

    @Command(name = "cancel", description = "Cancels a pending or running task (a running one is killed).")
    int cancel(@Parameters(paramLabel = "TASK_ID") String id) {
        JsonNode task = session.client().post(path(id) + "/cancel", null);
        if (!session.printer().isJson() && "Running".equals(task.path("status").asText())) {
            session.printer().line("task " + id + " cancelling: its processes are being stopped");
            return ExitCodes.OK;
        }
        return report(id, task, "cancel requested");
    }

    @Command(name = "retry", description = "Queues a failed or cancelled task again.")
    int retry(@Parameters(paramLabel = "TASK_ID") String id,
            @Option(names = "--wait", description = "follow the task until it ends") boolean wait,
            @Option(names = "--logs", description = "with --wait, also show the script's output lines") boolean logs) {
        JsonNode data = session.client().post(path(id) + "/retry", null);
        if (wait) {
            return new TaskWatch(session).watch(id, logs);
        }
        return report(id, data, "retry queued");
    }

    @Command(name = "delete", description = {"Deletes a finished task with its logs (admin); an unfinished one,",
            "or one an unfinished task depends on, is refused."})
    int delete(@Parameters(paramLabel = "TASK_ID") String id) {
        JsonNode answer = session.client().delete(path(id));
        if (session.printer().isJson()) {
            session.printer().json(answer);
        } else {
            session.printer().line("task " + id + " deleted");
        }
        return ExitCodes.OK;
    }

    @Command(name = "logs", description = "Prints the script output of every attempt (or one).")
    int logs(@Parameters(paramLabel = "TASK_ID") String id,
            @Option(names = "--attempt", paramLabel = "N", description = "only this attempt") Integer attempt,
            @Option(names = "--timestamps", description = "prefix each line with its time and stream") boolean timestamps) {
        JsonNode attempts = session.client().get(path(id) + "/logs");
        new LogPrinter(session, timestamps).print(attempts, attempt);
        return ExitCodes.OK;
    }

    @Command(name = "watch", description = "Follows a task until it ends, with live progress; exits 0 if it Completed.")
    int watch(@Parameters(paramLabel = "TASK_ID") String id,
            @Option(names = "--logs", description = "also show the script's output lines as they come") boolean logs) {
        return new TaskWatch(session).watch(id, logs);
    }

    private int report(String id, JsonNode data, String fallback) {
        if (session.printer().isJson()) {
            session.printer().json(data);
        } else {
            String status = data.path("status").asText("");
            session.printer().line("task " + id + " " + (status.isEmpty() ? fallback : status));
        }
        return ExitCodes.OK;
    }

    static String path(String id) {
        return "/tasks/" + OrchestratorClient.segment(id.strip());
    }
}
