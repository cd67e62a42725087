package io.provisioning.orchestrator.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.OneLine;
import java.io.PrintStream;

/** For pipes, files and CI logs: one line whenever the status, percentage or message changes. */
public final class PlainProgress implements TaskProgress {
    private final PrintStream out;
    private String last = "";

    public PlainProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void update(JsonNode task) {
        TaskState state = TaskState.of(task);
        StringBuilder line = new StringBuilder("task ").append(state.id()).append(' ').append(state.status());
        if (state.status().equals("Running") || state.percent() > 0) {
            line.append(' ').append(state.percent()).append('%');
        }
        if (!state.message().isEmpty()) {
            line.append(' ').append(state.message());
        }
        if (!state.attemptText().isEmpty()) {
            line.append(" (").append(state.attemptText()).append(')');
        }
        String text = line.toString();
        if (!text.equals(last)) {
            out.println(text);
            out.flush();
            last = text;
        }
    }

    @Override
    public void log(String stream, String line) {
        out.println((stream.equals("stderr") ? "  ! " : "  | ") + OneLine.of(line));
        out.flush();
    }

    @Override
    public void finish(JsonNode task) {
        update(task);
    }
}
