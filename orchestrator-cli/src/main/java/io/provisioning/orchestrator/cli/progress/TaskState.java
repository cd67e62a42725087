package io.provisioning.orchestrator.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.OneLine;
import java.util.Set;

/** The few things about a task that progress displays need, read leniently from its JSON. */
public record TaskState(String id, String name, String status, int percent, String message, int attempts,
        int maxAttempts, String error) {
    private static final Set<String> TERMINAL = Set.of("Completed", "Failed", "Cancelled");

    public static TaskState of(JsonNode task) {
        JsonNode progress = task.path("progress");
        return new TaskState(task.path("id").asText(""), OneLine.of(task.path("name").asText("")),
                task.path("status").asText("Unknown"),
                Math.max(0, Math.min(100, progress.path("percent").asInt(0))),
                message(task),
                task.path("attempts").asInt(0), task.path("max_attempts").asInt(0),
                task.path("error").isTextual() ? OneLine.of(task.path("error").asText()) : "");
    }

    /** The script's last message; for a task still waiting, why it waits. */
    private static String message(JsonNode task) {
        JsonNode message = task.path("progress").path("message");
        if (message.isTextual() && !message.asText().isBlank()) {
            return OneLine.of(message.asText());
        }
        JsonNode waiting = task.path("waiting_for");
        if ("Pending".equals(task.path("status").asText()) && waiting.isTextual() && !waiting.asText().isBlank()) {
            return OneLine.of(waiting.asText());
        }
        return "";
    }

    public static boolean isTerminal(String status) {
        return TERMINAL.contains(status);
    }

    public boolean isTerminal() {
        return isTerminal(status);
    }

    /** {@code attempt 2/3} once a retry happened, else empty. */
    public String attemptText() {
        return attempts > 1 ? "attempt " + attempts + "/" + maxAttempts : "";
    }
}
