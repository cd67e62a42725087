package io.provisioning.orchestrator.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.json.Json;
import java.util.Objects;

/**
 * An event as watchers see it: {@code type} is {@code task} (data = the task JSON after a status
 * change), {@code progress} (data = {task_id, attempt, progress, message, updated_at}) or {@code log}
 * (data = {task_id, attempt, stream, line}). {@code id} counts from 1 within the task; {@code globalId}
 * orders all events of this node and goes on rising across restarts ({@link EventIds}; 0 when
 * replayed from a task's file). {@code json} is {@code data} rendered once, for every reader.
 *
 * <p>A task event is made from its JSON alone ({@link #ofTask}): the task is serialized once, and
 * {@code data} is parsed from that text only if a reader asks for it (the stream and the file only
 * need the text).
 */
public final class RecordedEvent {
    private static final ObjectMapper JSON = Json.mapper();
    private final String taskId;
    private final long id;
    private final long globalId;
    private final String type;
    private final String ts;
    private final String json;
    /** For a task event made by {@link #ofTask}; null when it is read from {@code data}. */
    private final Boolean terminal;
    private volatile JsonNode data;

    public RecordedEvent(String taskId, long id, long globalId, String type, String ts, JsonNode data, String json) {
        this(taskId, id, globalId, type, ts, Objects.requireNonNull(data, "data"), json == null ? data.toString() : json,
                null);
    }

    public RecordedEvent(String taskId, long id, long globalId, String type, String ts, JsonNode data) {
        this(taskId, id, globalId, type, ts, data, null);
    }

    private RecordedEvent(String taskId, long id, long globalId, String type, String ts, JsonNode data, String json,
            Boolean terminal) {
        this.taskId = taskId;
        this.id = id;
        this.globalId = globalId;
        this.type = type;
        this.ts = ts;
        this.data = data;
        this.json = json;
        this.terminal = terminal;
    }

    /** A {@code task} event from the task's JSON; {@code terminal}: is its status Completed, Failed or Cancelled. */
    static RecordedEvent ofTask(String taskId, long id, long globalId, String ts, String taskJson, boolean terminal) {
        return new RecordedEvent(taskId, id, globalId, "task", ts, null, Objects.requireNonNull(taskJson, "taskJson"),
                terminal);
    }

    /** An event read back from disk as its JSON text ({@code data} is parsed only if a reader asks for it). */
    static RecordedEvent ofJson(String taskId, long id, long globalId, String type, String ts, String json) {
        return new RecordedEvent(taskId, id, globalId, type, ts, null, Objects.requireNonNull(json, "json"), null);
    }

    public String taskId() {
        return taskId;
    }

    public long id() {
        return id;
    }

    public long globalId() {
        return globalId;
    }

    public String type() {
        return type;
    }

    public String ts() {
        return ts;
    }

    public String json() {
        return json;
    }

    /** The event's data as a tree (parsed from {@link #json} the first time, for a task event). */
    public JsonNode data() {
        JsonNode parsed = data;
        if (parsed == null) {
            try {
                parsed = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("an event's own JSON does not parse", e);
            }
            data = parsed;
        }
        return parsed;
    }

    /** True for a task event whose status is terminal: a per-task stream ends after it. */
    public boolean isTerminal() {
        if (!type.equals("task")) {
            return false;
        }
        if (terminal != null) {
            return terminal;
        }
        String status = data().path("status").asText();
        return status.equals("Completed") || status.equals("Failed") || status.equals("Cancelled");
    }

    /** About what this event costs held in memory, in bytes (for buffer limits). */
    public long weight() {
        return 96L + 2L * json.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedEvent other && id == other.id && globalId == other.globalId
                && taskId.equals(other.taskId) && type.equals(other.type) && ts.equals(other.ts) && json.equals(other.json);
    }

    @Override
    public int hashCode() {
        return Objects.hash(taskId, id, globalId, type, ts, json);
    }

    @Override
    public String toString() {
        return "RecordedEvent[taskId=" + taskId + ", id=" + id + ", globalId=" + globalId + ", type=" + type + ", ts=" + ts
                + ", json=" + json + "]";
    }
}
