package io.provisioning.orchestrator.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical form that is hashed: compact JSON, object keys sorted at every level, with a plain
 * Jackson mapper of its own (so a change to the product's JSON settings cannot change a hash).
 */
final class AuditHashing {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** The {@code prev_hash} of the very first entry. */
    static final String GENESIS = "0".repeat(64);

    private AuditHashing() {}

    /** SHA-256 (hex) of the entry's canonical JSON without its {@code hash} field. */
    static String hashOf(ObjectNode entry) {
        ObjectNode withoutHash = entry.deepCopy();
        withoutHash.remove("hash");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical(withoutHash)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] canonical(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(sorted(node)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                fields.put(field.getKey(), sorted(field.getValue()));
            }
            return fields;
        }
        if (node.isArray()) {
            java.util.List<Object> items = new java.util.ArrayList<>();
            node.forEach(item -> items.add(sorted(item)));
            return items;
        }
        return node;
    }
}
