package io.provisioning.orchestrator.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An event as watchers see it: {@code type} is {@code task} (data = the task JSON after a status
 * or progress change) or {@code log} (data = {task_id, attempt, stream, line}). {@code id} counts
 * from 1 within the task; {@code globalId} orders all events of this process (0 when replayed from disk).
 */
public record RecordedEvent(String taskId, long id, long globalId, String type, String ts, JsonNode data) {

    /** True for a task event whose status is terminal: a per-task stream ends after it. */
    public boolean isTerminal() {
        if (!type.equals("task")) {
            return false;
        }
        String status = data.path("status").asText();
        return status.equals("Completed") || status.equals("Failed") || status.equals("Cancelled");
    }
}
