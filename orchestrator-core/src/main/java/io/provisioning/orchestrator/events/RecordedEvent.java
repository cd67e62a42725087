package io.provisioning.orchestrator.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An event as watchers see it: {@code type} is {@code task} (data = the task JSON after a status
 * change), {@code progress} (data = {task_id, attempt, progress, message, updated_at}) or {@code log}
 * (data = {task_id, attempt, stream, line}). {@code id} counts from 1 within the task; {@code globalId}
 * orders all events of this node and goes on rising across restarts ({@link EventIds}; 0 when
 * replayed from a task's file). {@code json} is {@code data} rendered once, for every reader.
 */
public record RecordedEvent(String taskId, long id, long globalId, String type, String ts, JsonNode data, String json) {

    public RecordedEvent {
        if (json == null) {
            json = data.toString();
        }
    }

    public RecordedEvent(String taskId, long id, long globalId, String type, String ts, JsonNode data) {
        this(taskId, id, globalId, type, ts, data, null);
    }

    /** True for a task event whose status is terminal: a per-task stream ends after it. */
    public boolean isTerminal() {
        if (!type.equals("task")) {
            return false;
        }
        String status = data.path("status").asText();
        return status.equals("Completed") || status.equals("Failed") || status.equals("Cancelled");
    }

    /** About what this event costs held in memory, in bytes (for buffer limits). */
    public long weight() {
        return 96L + 2L * json.length();
    }
}
