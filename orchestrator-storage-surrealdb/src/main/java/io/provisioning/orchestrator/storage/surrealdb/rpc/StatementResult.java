package io.provisioning.orchestrator.storage.surrealdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One statement's entry in a {@code query} result: {@code {"status": "OK"|"ERR", "result", "time", "kind"?}}.
 * For ERR, {@code result} is the engine's message.
 */
public record StatementResult(int index, boolean ok, JsonNode result, String kind, String time) {

    static StatementResult of(int index, JsonNode entry) {
        return new StatementResult(index, "OK".equals(entry.path("status").asText()), entry.path("result"),
                entry.hasNonNull("kind") ? entry.get("kind").asText() : null, entry.path("time").asText(null));
    }

    /** The result, or a {@link SurrealStatementException} if the statement failed. */
    public JsonNode orThrow() {
        if (!ok) {
            throw new SurrealStatementException(index, kind, result.isTextual() ? result.asText() : result.toString());
        }
        return result;
    }
}
