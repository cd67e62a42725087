package io.provisioning.orchestrator.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One line of the audit log: a record numbered {@code seq}, stamped {@code ts}, and chained:
 * {@code prev_hash} is the previous entry's {@code hash}, and {@code hash} is the SHA-256 of this
 * entry's canonical JSON without {@code hash} (see {@link AuditHashing}).
 */
public record AuditEntry(long seq, Instant ts, AuditRecord record, String prevHash, String hash) {

    /** The entry as a JSON object, {@code hash} included when set. */
    public ObjectNode toJson() {
        ObjectNode node = AuditHashing.MAPPER.createObjectNode();
        node.put("seq", seq);
        node.put("ts", ts.toString());
        node.put("actor", record.actor());
        node.put("role", record.role());
        node.put("action", record.action());
        node.put("target", record.target());
        node.put("source", record.source());
        node.put("outcome", record.outcome());
        node.put("detail", record.detail());
        node.put("prev_hash", prevHash);
        if (hash != null) {
            node.put("hash", hash);
        }
        return node;
    }

    /** Reads an entry back; fields that are missing or of the wrong type come back null. */
    static AuditEntry fromJson(JsonNode node) {
        Instant ts;
        try {
            ts = Instant.parse(node.path("ts").asText());
        } catch (RuntimeException e) {
            ts = Instant.EPOCH;
        }
        return new AuditEntry(node.path("seq").asLong(), ts,
                new AuditRecord(text(node, "actor"), text(node, "role"), text(node, "action"), text(node, "target"),
                        text(node, "source"), text(node, "outcome"), text(node, "detail")),
                text(node, "prev_hash"), text(node, "hash"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }
}
