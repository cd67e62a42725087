package io.provisioning.orchestrator.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The events that could not be written to each task's {@code events.log} (a full disk), until one
 * marker line in that log says how many and when: the marker takes the id of the last lost event,
 * so the log's ids stay in order and a reader sees where lines are missing.
 */
final class LostEvents {
    private static final class Gap {
        long events;
        long logLines;
        long lastId;
        int attempt;
        Instant from;
        Instant to;
        String reason;
    }

    private final Map<String, Gap> gaps = new LinkedHashMap<>();
    private final AtomicLong total = new AtomicLong();

    void lost(RecordedEvent event, Instant at, String reason) {
        Gap gap = gaps.computeIfAbsent(event.taskId(), id -> new Gap());
        if (gap.events == 0) {
            gap.from = at;
        }
        gap.events++;
        if (event.type().equals("log")) {
            gap.logLines++;
            gap.attempt = event.data().path("attempt").asInt(gap.attempt);
        } else {
            gap.attempt = event.data().path("attempts").asInt(gap.attempt);
        }
        gap.lastId = Math.max(gap.lastId, event.id());
        gap.to = at;
        gap.reason = reason;
        total.incrementAndGet();
    }

    boolean isEmpty() {
        return gaps.isEmpty();
    }

    boolean has(String taskId) {
        return gaps.containsKey(taskId);
    }

    Iterable<String> tasks() {
        return java.util.List.copyOf(gaps.keySet());
    }

    int taskCount() {
        return gaps.size();
    }

    /** Events lost since start, marked or not. */
    long total() {
        return total.get();
    }

    /** The marker for the task's lost events, or null if none are lost. */
    RecordedEvent marker(String taskId) {
        Gap gap = gaps.get(taskId);
        if (gap == null) {
            return null;
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("task_id", taskId);
        data.put("attempt", gap.attempt);
        data.put("stream", "stderr");
        data.put("line", "[" + gap.logLines + " log line" + (gap.logLines == 1 ? "" : "s") + " and "
                + (gap.events - gap.logLines) + " status event" + (gap.events - gap.logLines == 1 ? "" : "s")
                + " of this task could not be written to disk between " + gap.from + " and " + gap.to + " ("
                + gap.reason + ")]");
        return new RecordedEvent(taskId, gap.lastId, 0, "log", gap.to.toString(), data);
    }

    /** The marker is in the task's log. */
    void marked(String taskId) {
        gaps.remove(taskId);
    }
}
