package io.provisioning.orchestrator.cli.storage;

import io.provisioning.orchestrator.storage.migration.MigrationProgress;
import java.io.PrintStream;

/**
 * Shows how far a migration has come, as {@code task watch} does for a task: on a terminal one
 * line redrawn in place ({@code copying   [##########--------------]  42%  840/2000 tasks}),
 * on a pipe or in CI a plain line per phase and per tenth of the way.
 */
public abstract class MigrationProgressView implements MigrationProgress {
    static final String CLEAR_LINE = "\r\033[K";
    private static final int BAR_CELLS = 24;

    public static MigrationProgressView of(PrintStream out, boolean bar, int width) {
        return bar ? new Bar(out, width) : new Lines(out);
    }

    /** Leaves the screen tidy before the summary. */
    public abstract void finish();

    static int percent(long done, long total) {
        return total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    }

    private static final class Bar extends MigrationProgressView {
        private final PrintStream out;
        private final int width;
        private String drawn = "";

        Bar(PrintStream out, int width) {
            this.out = out;
            this.width = width;
        }

        @Override
        public synchronized void update(String phase, long done, long total) {
            int percent = percent(done, total);
            int filled = percent * BAR_CELLS / 100;
            String line = String.format("%-9s [%s%s] %3d%%  %d/%d tasks", phase, "#".repeat(filled),
                    "-".repeat(BAR_CELLS - filled), percent, done, total);
            if (line.length() > width - 1) {
                line = line.substring(0, width - 1);
            }
            if (!line.equals(drawn)) {
                drawn = line;
                out.print(CLEAR_LINE + line);
                out.flush();
            }
        }

        @Override
        public synchronized void finish() {
            if (!drawn.isEmpty()) {
                out.print("\n");
                out.flush();
            }
        }
    }

    private static final class Lines extends MigrationProgressView {
        private final PrintStream out;
        private String phase = "";
        private int tenth = -1;

        Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void update(String phase, long done, long total) {
            int now = percent(done, total) / 10;
            if (phase.equals(this.phase) && now == tenth) {
                return;
            }
            this.phase = phase;
            tenth = now;
            out.println(phase + " " + done + "/" + total + " tasks (" + percent(done, total) + "%)");
            out.flush();
        }

        @Override
        public void finish() {}
    }
}
