package io.provisioning.orchestrator.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.client.EventStream;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import io.provisioning.orchestrator.cli.client.ServerEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Follows one task until it reaches a terminal status, through {@code GET /tasks/{id}/events}
 * (Server-Sent Events). Against an orchestrator without that endpoint it polls {@code GET /tasks/{id}}.
 */
public final class TaskFollower {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(300);
    private static final int MAX_RECONNECTS = 20;
    private final OrchestratorClient client;
    private final TaskProgress progress;
    private final boolean showLogs;
    private final Consumer<String> notices;
    /** Where a reconnect resumes: the id of the last event read. */
    private String lastEventId;
    /** The newest task state shown; replayed older states are not shown again. */
    private Instant shownAt = Instant.MIN;

    /** {@code notices} hears about degraded following (no event stream on the server). */
    public TaskFollower(OrchestratorClient client, TaskProgress progress, boolean showLogs, Consumer<String> notices) {
        this.client = client;
        this.progress = progress;
        this.showLogs = showLogs;
        this.notices = notices;
    }

    /** Returns the task as it ended. */
    public JsonNode follow(String taskId) {
        String path = "/tasks/" + OrchestratorClient.segment(taskId);
        JsonNode task = client.get(path);
        show(task);
        if (isTerminal(task)) {
            if (showLogs) {
                replayLog(path);
            }
            progress.finish(task);
            return task;
        }
        try {
            for (int reconnects = 0; !isTerminal(task); reconnects++) {
                if (reconnects > MAX_RECONNECTS) {
                    throw new CliException.Unavailable("lost the event stream of task " + taskId
                            + " too often; check the orchestrator at " + client.baseUrl());
                }
                task = followStream(path, task);
            }
        } catch (CliException.EndpointMissing | CliException.NotFound e) {
            // the task exists (we just read it), so the 404 was the events endpoint: an older server
            if (showLogs) {
                notices.accept("note: the orchestrator at " + client.baseUrl()
                        + " has no event stream; following by polling, without log lines");
            }
            task = poll(path, task);
        }
        progress.finish(task);
        return task;
    }

    /** A task that already ended has its whole log to show: every attempt, from GET /tasks/{id}/logs. */
    private void replayLog(String path) {
        try {
            for (JsonNode attempt : client.get(path + "/logs")) {
                for (JsonNode line : attempt.path("lines")) {
                    progress.log(line.path("stream").asText("stdout"), line.path("line").asText(""));
                }
            }
        } catch (CliException.EndpointMissing | CliException.NotFound e) {
            notices.accept("note: the orchestrator at " + client.baseUrl() + " keeps no task logs");
        }
    }

    private JsonNode followStream(String path, JsonNode task) {
        try (EventStream events = client.events(path + "/events", lastEventId)) {
            // read again now that we are subscribed, so an end that came before is not missed
            task = client.get(path);
            show(task);
            Optional<ServerEvent> event;
            while (!isTerminal(task) && (event = events.next()).isPresent()) {
                if (event.get().id() != null) {
                    lastEventId = event.get().id();
                }
                task = apply(event.get(), task);
            }
        }
        if (!isTerminal(task)) {
            task = client.get(path);
            show(task);
            if (!isTerminal(task)) {
                pause(POLL_INTERVAL);
            }
        }
        return task;
    }

    private JsonNode apply(ServerEvent event, JsonNode task) {
        JsonNode data = event.json();
        switch (event.name()) {
            case "task" -> {
                if (data.isObject() && data.has("status")) {
                    // the stream replays the task's history first: an older state, even the end of an
                    // attempt before a retry, is not the task's state now
                    if (show(data)) {
                        return data;
                    }
                }
            }
            case "progress" -> {
                // only the progress of the running attempt: laid over the task as last seen
                if (task != null && task.isObject() && data.isObject() && data.has("progress")) {
                    com.fasterxml.jackson.databind.node.ObjectNode merged = ((com.fasterxml.jackson.databind.node.ObjectNode) task).deepCopy();
                    merged.set("progress", data.get("progress"));
                    merged.put("status", data.path("status").asText(merged.path("status").asText()));
                    merged.set("updated_at", data.get("updated_at"));
                    if (show(merged)) {
                        return merged;
                    }
                }
            }
            case "log" -> {
                if (showLogs) {
                    progress.log(data.path("stream").asText("stdout"), data.path("line").asText(""));
                }
            }
            default -> { }
        }
        return task;
    }

    private JsonNode poll(String path, JsonNode task) {
        while (!isTerminal(task)) {
            pause(POLL_INTERVAL);
            task = client.get(path);
            show(task);
        }
        return task;
    }

    /** Shows a task state unless a newer one is already on screen; says whether it did. */
    private boolean show(JsonNode task) {
        Instant at = updatedAt(task);
        if (at.isBefore(shownAt)) {
            return false;
        }
        shownAt = at;
        progress.update(task);
        return true;
    }

    private static Instant updatedAt(JsonNode task) {
        try {
            return Instant.parse(task.path("updated_at").asText(""));
        } catch (DateTimeParseException e) {
            return Instant.MIN;
        }
    }

    private static boolean isTerminal(JsonNode task) {
        return TaskState.isTerminal(task.path("status").asText());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException.OperationFailed("interrupted while waiting");
        }
    }
}
