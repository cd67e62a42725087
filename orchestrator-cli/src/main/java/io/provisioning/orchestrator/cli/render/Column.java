package io.provisioning.orchestrator.cli.render;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/** One column of a table: a header and how to get the cell text from a row. */
public record Column(String header, Function<JsonNode, String> value) {
    public static Column field(String header, String field) {
        return new Column(header, row -> Fields.text(row.path(field)));
    }
}
