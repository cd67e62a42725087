package io.provisioning.orchestrator.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.OneLine;
import java.io.PrintStream;

/**
 * For a terminal: one line redrawn in place with {@code \r}, e.g.
 * {@code Running   [##########----------]  50%  web-01 created}. Log lines scroll above it.
 */
public final class ProgressBar implements TaskProgress {
    static final String CLEAR_LINE = "\r\033[K";
    private static final int BAR_CELLS = 24;
    private final PrintStream out;
    private final int width;
    private String drawn = "";

    public ProgressBar(PrintStream out, int width) {
        this.out = out;
        this.width = width;
    }

    @Override
    public void update(JsonNode task) {
        draw(render(TaskState.of(task)));
    }

    @Override
    public void log(String stream, String line) {
        out.print(CLEAR_LINE + (stream.equals("stderr") ? "! " : "| ") + fit(OneLine.of(line), width - 3) + "\n");
        out.print(drawn);
        out.flush();
    }

    @Override
    public void finish(JsonNode task) {
        update(task);
        out.print("\n");
        out.flush();
    }

    String render(TaskState state) {
        int filled = state.percent() * BAR_CELLS / 100;
        String bar = "[" + "#".repeat(filled) + "-".repeat(BAR_CELLS - filled) + "]";
        String head = String.format("%-9s %s %3d%%", state.status(), bar, state.percent());
        String message = state.message().isEmpty() ? state.name() : state.message();
        if (!state.attemptText().isEmpty()) {
            message = message + " (" + state.attemptText() + ")";
        }
        return fit(head + "  " + message, width - 1);
    }

    private void draw(String line) {
        if (line.equals(drawn)) {
            return;
        }
        drawn = line;
        out.print(CLEAR_LINE + line);
        out.flush();
    }

    private static String fit(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 3)) + "...";
    }
}
