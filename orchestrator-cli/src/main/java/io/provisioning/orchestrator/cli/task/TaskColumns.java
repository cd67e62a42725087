package io.provisioning.orchestrator.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.render.Column;
import io.provisioning.orchestrator.cli.render.Fields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How tasks read in tables and detail views. */
final class TaskColumns {
    static final List<Column> LIST = List.of(
            Column.field("ID", "id"),
            Column.field("STATUS", "status"),
            new Column("PROGRESS", t -> t.path("progress").path("percent").asInt(0) + "%"),
            new Column("ATTEMPTS", t -> t.path("attempts").asInt(0) + "/" + t.path("max_attempts").asInt(0)),
            new Column("CREATED", t -> Fields.time(t.path("created_at"))),
            Column.field("NAME", "name"));

    /** Earlier attempts, from the task's {@code history}. */
    static final List<Column> HISTORY = List.of(
            Column.field("ATTEMPT", "attempt"),
            Column.field("OUTCOME", "outcome"),
            new Column("STARTED", a -> Fields.time(a.path("started_at"))),
            new Column("ENDED", a -> Fields.time(a.path("ended_at"))),
            Column.field("EXIT", "exit_code"),
            Column.field("ERROR", "error"));

    static final Map<String, String> DETAIL = new LinkedHashMap<>();

    static {
        DETAIL.put("id", "id");
        DETAIL.put("name", "name");
        DETAIL.put("status", "status");
        DETAIL.put("progress", "progress");
        DETAIL.put("attempts", "attempts");
        DETAIL.put("max_attempts", "max attempts");
        DETAIL.put("priority", "priority");
        DETAIL.put("workflow", "workflow");
        DETAIL.put("infra", "infra");
        DETAIL.put("command", "command");
        DETAIL.put("dependencies", "depends on");
        DETAIL.put("created_at", "created");
        DETAIL.put("started_at", "started");
        DETAIL.put("completed_at", "completed");
        DETAIL.put("next_attempt_at", "next attempt");
        DETAIL.put("exit_code", "exit code");
        DETAIL.put("waiting_for", "waiting for");
        DETAIL.put("continue_on_dependency_failure", "runs even if a dependency fails");
        DETAIL.put("error", "error");
        DETAIL.put("output", "output");
    }

    /** {@code command} and {@code args} as the one line the worker ran. */
    static List<String> commandLine(JsonNode task) {
        List<String> words = new ArrayList<>();
        words.add(task.path("command").asText(""));
        task.path("args").forEach(arg -> words.add(arg.asText()));
        return words;
    }

    private TaskColumns() {}
}
