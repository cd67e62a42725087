package io.provisioning.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditHashingTest {
    /** Values a request can put in an entry: quotes, backslashes, control characters, non-ASCII, a lone surrogate, nulls. */
    static final List<AuditRecord> RECORDS = List.of(
            new AuditRecord("alice", "operator", "POST /workflows/servers/create", "t1", "127.0.0.1", "200", null),
            new AuditRecord("unauthenticated", null, "GET (no such route)", null, "::1", "401",
                    "path /x\"y\\z\n\r\t\u0000\u001f: bad"),
            new AuditRecord("ünïcödé ✓ 𝄞", "admin", "DELETE /tasks/{id}", "a/b", "10.0.0.1", "409", "lone \ud800 surrogate"),
            new AuditRecord("orchestrator", null, "task.completed", "id", "engine", "Completed", "</script>\u2028\u007f"));

    @Test
    void the_sealed_line_is_the_canonical_json_of_the_entry_and_its_hash() {
        for (AuditRecord record : RECORDS) {
            AuditEntry unsealed = new AuditEntry(42, Instant.parse("2026-12-07T01:02:03.456789Z"), record,
                    "ab".repeat(32), null);
            AuditHashing.Sealed sealed = AuditHashing.seal(unsealed, AuditHashing.sha256());

            ObjectNode json = unsealed.toJson();
            String expectedHash = AuditHashing.hashOf(json);
            json.put("hash", expectedHash);
            byte[] expectedLine = (new String(AuditHashing.canonical(json), StandardCharsets.UTF_8) + "\n")
                    .getBytes(StandardCharsets.UTF_8);

            assertThat(sealed.hash()).as(record.toString()).isEqualTo(expectedHash);
            assertThat(new String(sealed.line(), StandardCharsets.UTF_8)).as(record.toString())
                    .isEqualTo(new String(expectedLine, StandardCharsets.UTF_8));
            assertThat(sealed.line()).isEqualTo(expectedLine);
        }
    }
}
