package io.provisioning.orchestrator.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.task.Progress;
import java.util.Optional;

/** The progress protocol: a stdout line that is a JSON object with a "progress" key. */
public final class ProgressLine {
    private ProgressLine() {}

    public static Optional<Progress> parse(String line) {
        String trimmed = line.strip();
        if (trimmed.length() < 2 || trimmed.charAt(0) != '{' || trimmed.charAt(trimmed.length() - 1) != '}'
                || !trimmed.contains("\"progress\"")) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.mapper().readTree(trimmed);
            JsonNode percent = node.get("progress");
            if (percent == null || !percent.isNumber()) {
                return Optional.empty();
            }
            JsonNode message = node.get("message");
            String text = message != null && message.isTextual() ? message.asText() : null;
            return Optional.of(new Progress((int) Math.round(percent.asDouble()), text));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
