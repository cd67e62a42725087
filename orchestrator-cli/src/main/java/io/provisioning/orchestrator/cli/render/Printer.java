package io.provisioning.orchestrator.cli.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Writes results to stdout in the chosen {@link OutputFormat}. */
public final class Printer {
    private final PrintStream out;
    private final OutputFormat format;

    public Printer(PrintStream out, OutputFormat format) {
        this.out = out;
        this.format = format;
    }

    public boolean isJson() {
        return format == OutputFormat.json;
    }

    public void json(JsonNode value) {
        try {
            out.println(OrchestratorClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A list as a table (or its JSON); {@code empty} is said when there are no rows. */
    public void list(JsonNode rows, List<Column> columns, String empty) {
        if (isJson()) {
            json(rows);
            return;
        }
        if (rows == null || !rows.isArray() || rows.isEmpty()) {
            out.println(empty);
            return;
        }
        List<String[]> cells = new ArrayList<>();
        int[] widths = new int[columns.size()];
        String[] headers = columns.stream().map(Column::header).toArray(String[]::new);
        cells.add(headers);
        for (JsonNode row : rows) {
            String[] line = new String[columns.size()];
            for (int i = 0; i < line.length; i++) {
                line[i] = columns.get(i).value().apply(row);
            }
            cells.add(line);
        }
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : pad(line[i], widths[i] + 2));
            }
            out.println(text.toString().stripTrailing());
        }
    }

    /** An object as {@code key: value} lines (or its JSON); {@code labels} picks and names fields first. */
    public void record(JsonNode object, Map<String, String> labels) {
        if (isJson()) {
            json(object);
            return;
        }
        List<String[]> lines = new ArrayList<>();
        labels.forEach((field, label) -> add(lines, label, field, object.get(field)));
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!labels.containsKey(field.getKey()) && field.getValue().isValueNode()) {
                add(lines, field.getKey().replace('_', ' '), field.getKey(), field.getValue());
            }
        }
        int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0) + 2;
        for (String[] line : lines) {
            out.println((pad(line[0] + ":", width) + line[1]).stripTrailing());
        }
    }

    /** Empty values are left out: a detail view shows what is known. */
    private static void add(List<String[]> lines, String label, String field, JsonNode value) {
        String text = field.endsWith("_at") ? Fields.time(value) : Fields.text(value);
        if (!text.isEmpty()) {
            lines.add(new String[] {label, text});
        }
    }

    public void line(String text) {
        out.println(text);
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }
}
