package io.provisioning.orchestrator.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;

/** Prints {@code GET /tasks/{id}/logs}: a list of attempts, each with its lines. */
final class LogPrinter {
    private final Session session;
    private final boolean timestamps;

    LogPrinter(Session session, boolean timestamps) {
        this.session = session;
        this.timestamps = timestamps;
    }

    void print(JsonNode attempts, Integer only) {
        ArrayNode chosen = OrchestratorClient.JSON.createArrayNode();
        for (JsonNode attempt : attempts) {
            if (only == null || attempt.path("attempt").asInt() == only) {
                chosen.add(attempt);
            }
        }
        if (only != null && chosen.isEmpty()) {
            throw new CliException.NotFound("the task has no attempt " + only);
        }
        if (session.printer().isJson()) {
            session.printer().json(chosen);
            return;
        }
        boolean headers = chosen.size() > 1;
        for (JsonNode attempt : chosen) {
            if (headers) {
                session.printer().line("--- attempt " + attempt.path("attempt").asInt() + " ---");
            }
            for (JsonNode line : attempt.path("lines")) {
                String text = line.path("line").asText("");
                session.printer().line(timestamps
                        ? line.path("ts").asText("") + " " + line.path("stream").asText("") + " " + text
                        : text);
            }
        }
    }
}
