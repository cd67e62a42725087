package io.provisioning.orchestrator.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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

    /** An entry's hash and its line as written (canonical JSON with the hash, and a newline), in UTF-8. */
    record Sealed(String hash, byte[] line) {}

    /**
     * Hashes and renders one entry without building a tree: its fields are fixed and flat, so they are
     * written straight in sorted key order, the same bytes {@link #canonical} makes of
     * {@link AuditEntry#toJson} (checked by {@code AuditHashingTest}). {@code sha256} is the caller's own
     * instance (reset here); {@code unsealed.hash()} is ignored.
     */
    static Sealed seal(AuditEntry unsealed, MessageDigest sha256) {
        String withoutHash = render(unsealed, null);
        sha256.reset();
        String hash = HexFormat.of().formatHex(sha256.digest(withoutHash.getBytes(StandardCharsets.UTF_8)));
        return new Sealed(hash, (render(unsealed, hash) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String render(AuditEntry e, String hash) {
        StringWriter out = new StringWriter(384);
        AuditRecord r = e.record();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            field(g, "action", r.action());
            field(g, "actor", r.actor());
            field(g, "detail", r.detail());
            if (hash != null) {
                field(g, "hash", hash);
            }
            field(g, "outcome", r.outcome());
            field(g, "prev_hash", e.prevHash());
            field(g, "role", r.role());
            g.writeNumberField("seq", e.seq());
            field(g, "source", r.source());
            field(g, "target", r.target());
            field(g, "ts", e.ts().toString());
            g.writeEndObject();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toString();
    }

    private static void field(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }
}
