package io.provisioning.orchestrator.api;

import io.provisioning.orchestrator.events.RecordedEvent;
import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.task.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /tasks/{id}/logs}: the lines of every attempt, grouped by attempt, oldest first; each
 * line carries its event {@code id}, so {@code ?after=<id>} reads on from there. The task's file is
 * read line by line: a tail keeps only its last lines, a page stops at its limit.
 */
record TaskLogView(int attempt, List<Line> lines) {
    record Line(long id, String ts, String stream, String line) {}

    static List<TaskLogView> read(TaskEventStore store, Task task, LogPage page) {
        ArrayDeque<RecordedEvent> picked = new ArrayDeque<>();
        store.scan(task.id(), page.after(), event -> {
            if (!event.type().equals("log")) {
                return true;
            }
            picked.addLast(event);
            if (page.tail() > 0) {
                if (picked.size() > page.tail()) {
                    picked.removeFirst();
                }
                return true;
            }
            return picked.size() < page.limit();
        });
        return of(task, picked, page.after() == 0 && page.tail() == 0);
    }

    /** {@code everyAttempt}: list the attempts without lines too (the whole log was asked for). */
    static List<TaskLogView> of(Task task, Iterable<RecordedEvent> events, boolean everyAttempt) {
        Map<Integer, List<Line>> byAttempt = new TreeMap<>();
        if (everyAttempt) {
            for (int a = 1; a <= task.attempts(); a++) {
                byAttempt.put(a, new ArrayList<>());
            }
        }
        for (RecordedEvent event : events) {
            if (event.type().equals("log")) {
                int attempt = event.data().path("attempt").asInt();
                byAttempt.computeIfAbsent(attempt, a -> new ArrayList<>()).add(new Line(event.id(), event.ts(),
                        event.data().path("stream").asText(), event.data().path("line").asText()));
            }
        }
        List<TaskLogView> view = new ArrayList<>();
        byAttempt.forEach((attempt, lines) -> view.add(new TaskLogView(attempt, lines)));
        return view;
    }
}
