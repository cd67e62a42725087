package io.provisioning.orchestrator.cli.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.OneLine;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** How a JSON value reads in a table cell: one line, short timestamps, lists joined. */
public final class Fields {
    private static final DateTimeFormatter SHORT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private Fields() {}

    public static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (node.isTextual()) {
            return OneLine.of(node.asText());
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.isValueNode() ? text(item) : summary(item)));
            return String.join(", ", items);
        }
        if (node.isObject()) {
            return summary(node);
        }
        return node.asText();
    }

    /** An ISO-8601 instant as {@code 2026-11-25 14:57:01} (UTC); anything else unchanged. */
    public static String time(JsonNode node) {
        String value = text(node);
        if (value.isEmpty()) {
            return value;
        }
        try {
            return SHORT_TIME.format(Instant.parse(value));
        } catch (DateTimeParseException e) {
            return value;
        }
    }

    private static String summary(JsonNode object) {
        for (String key : List.of("name", "id", "message")) {
            if (object.path(key).isValueNode() && !object.path(key).isNull()) {
                return text(object.path(key));
            }
        }
        return OneLine.of(object.toString());
    }
}
