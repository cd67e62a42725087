package io.provisioning.orchestrator.api;

import io.provisioning.orchestrator.events.RecordedEvent;
import io.provisioning.orchestrator.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code GET /tasks/{id}/logs}: the lines of every attempt, grouped by attempt, oldest first. */
record TaskLogView(int attempt, List<Line> lines) {
    record Line(String ts, String stream, String line) {}

    static List<TaskLogView> of(Task task, List<RecordedEvent> events) {
        Map<Integer, List<Line>> byAttempt = new TreeMap<>();
        for (int a = 1; a <= task.attempts(); a++) {
            byAttempt.put(a, new ArrayList<>());
        }
        for (RecordedEvent event : events) {
            if (event.type().equals("log")) {
                int attempt = event.data().path("attempt").asInt();
                byAttempt.computeIfAbsent(attempt, a -> new ArrayList<>()).add(new Line(event.ts(),
                        event.data().path("stream").asText(), event.data().path("line").asText()));
            }
        }
        List<TaskLogView> view = new ArrayList<>();
        byAttempt.forEach((attempt, lines) -> view.add(new TaskLogView(attempt, lines)));
        return view;
    }
}
