package io.provisioning.orchestrator.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;

/** Shows a followed task as it changes: a redrawn bar on a terminal, plain lines elsewhere. */
public interface TaskProgress {
    /** The task changed (status, progress or message). */
    void update(JsonNode task);

    /** The script wrote a line; shown only when the user asked for logs. */
    void log(String stream, String line);

    /** The task reached a terminal status; leave the screen tidy. */
    void finish(JsonNode task);

    /** Says nothing at all (JSON output without a place for progress). */
    TaskProgress SILENT = new TaskProgress() {
        @Override
        public void update(JsonNode task) {}

        @Override
        public void log(String stream, String line) {}

        @Override
        public void finish(JsonNode task) {}
    };
}
