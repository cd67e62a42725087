package io.provisioning.orchestrator.cli.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.render.Printer;
import java.util.Iterator;
import java.util.Map;

/**
 * Prints {@code GET /test/environments/{id}/logs}, which may be one text, a map of container to
 * text, or a list of {@code {container|name, logs|lines}}.
 */
final class ContainerLogs {
    private final Printer printer;

    ContainerLogs(Printer printer) {
        this.printer = printer;
    }

    void print(JsonNode logs) {
        if (printer.isJson()) {
            printer.json(logs);
            return;
        }
        if (logs.isTextual()) {
            text(logs);
        } else if (logs.isArray()) {
            for (JsonNode entry : logs) {
                String name = entry.path("container").asText(entry.path("name").asText(""));
                section(name, entry.has("logs") ? entry.get("logs") : entry.path("lines"));
            }
        } else if (logs.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = logs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                section(entry.getKey(), entry.getValue());
            }
        }
    }

    private void section(String name, JsonNode content) {
        if (!name.isEmpty()) {
            printer.line("=== " + name + " ===");
        }
        text(content);
    }

    private void text(JsonNode content) {
        if (content.isArray()) {
            for (JsonNode line : content) {
                printer.line(line.isTextual() ? line.asText() : line.path("line").asText(line.toString()));
            }
        } else if (!content.isMissingNode() && !content.isNull()) {
            content.asText().lines().forEach(printer::line);
        }
    }
}
