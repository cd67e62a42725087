package io.provisioning.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.audit.AuditVerification.Kind;
import io.provisioning.orchestrator.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Any single edit, removal or reordering is reported at the entry it touched (a seeded property test). */
class AuditChainVerifierTest {
    @TempDir Path root;

    @Test
    void reports_the_first_edited_removed_or_reordered_entry_for_any_single_tampering() throws Exception {
        Random random = new Random(20_26);
        for (int run = 0; run < 200; run++) {
            Path dir = Files.createDirectories(root.resolve("run-" + run));
            int entries = 5 + random.nextInt(60);
            write(dir, entries);
            List<Line> lines = lines(dir);
            int at = 1 + random.nextInt(entries - 2); // not the very last: removing the newest needs an anchor
            Tampering tampering = Tampering.values()[random.nextInt(Tampering.values().length)];
            long expectedSeq = tampering.apply(lines, at, random);
            save(dir, lines);
            AuditVerification result = AuditChainVerifier.verify(dir, null);
            assertThat(result.intact()).as("run %d: %s at %d", run, tampering, at).isFalse();
            assertThat(result.problem().kind()).as("run %d: %s", run, tampering).isEqualTo(tampering.kind);
            assertThat(result.problem().seq()).as("run %d: %s: %s", run, tampering, result.summary()).isEqualTo(expectedSeq);
        }
    }

    @Test
    void an_intact_log_verifies_and_names_its_head() throws Exception {
        write(root, 10);
        AuditVerification result = AuditChainVerifier.verify(root, null);
        assertThat(result.intact()).isTrue();
        assertThat(result.summary()).startsWith("audit log intact: 10 entries").contains("last seq 10");
        assertThat(AuditChainVerifier.verify(root, "10:" + result.lastHash()).intact()).isTrue();
    }

    @Test
    void removing_the_newest_entries_is_caught_by_an_anchor() throws Exception {
        write(root, 10);
        String head = "10:" + AuditChainVerifier.verify(root, null).lastHash();
        List<Line> lines = lines(root);
        lines.subList(8, 10).clear();
        save(root, lines);
        assertThat(AuditChainVerifier.verify(root, null).intact()).isTrue();
        AuditVerification anchored = AuditChainVerifier.verify(root, head);
        assertThat(anchored.problem().kind()).isEqualTo(Kind.ANCHOR_MISMATCH);
        assertThat(anchored.summary()).contains("log ends at seq 8");
    }

    @Test
    void removing_a_whole_rotated_file_is_a_removal() throws Exception {
        try (AuditLog log = AuditLog.open(new AuditSettings(true, root, 4096), MutableClock.atEpochPlusOneDay())) {
            for (int i = 0; i < 40; i++) {
                log.append(AuditLogTest.aRecord("alice", "POST /workflows/servers/create", "t" + i));
            }
        }
        Files.delete(root.resolve("audit-2.log"));
        AuditVerification result = AuditChainVerifier.verify(root, null);
        assertThat(result.problem().kind()).isEqualTo(Kind.REMOVED);
        assertThat(result.problem().file()).isEqualTo("audit-3.log");
    }

    enum Tampering {
        /** Change a field, keep the stored hash. */
        EDIT(Kind.EDITED) {
            long apply(List<Line> lines, int at, Random random) {
                lines.get(at).json.put("actor", "mallory");
                return lines.get(at).seq();
            }
        },
        /** Change a field and recompute this entry's hash: the next entry's prev_hash gives it away. */
        EDIT_AND_REHASH(Kind.EDITED) {
            long apply(List<Line> lines, int at, Random random) {
                ObjectNode json = lines.get(at).json;
                json.put("outcome", "200");
                json.put("detail", "nothing to see");
                json.put("hash", AuditHashing.hashOf(json));
                return lines.get(at).seq();
            }
        },
        REMOVE(Kind.REMOVED) {
            long apply(List<Line> lines, int at, Random random) {
                return lines.remove(at).seq();
            }
        },
        /** Remove an entry and renumber and re-hash the rest: the chain still breaks where it was taken out. */
        REMOVE_AND_RENUMBER(Kind.EDITED) {
            long apply(List<Line> lines, int at, Random random) {
                long removed = lines.remove(at).seq();
                for (int i = at; i < lines.size(); i++) {
                    ObjectNode json = lines.get(i).json;
                    json.put("seq", json.path("seq").asLong() - 1);
                    json.put("hash", AuditHashing.hashOf(json));
                }
                return removed - 1;
            }
        },
        SWAP(Kind.REORDERED) {
            long apply(List<Line> lines, int at, Random random) {
                Line moved = lines.get(at);
                lines.set(at, lines.get(at + 1));
                lines.set(at + 1, moved);
                return moved.seq();
            }
        },
        /** Garble a line so it is no longer JSON. */
        GARBLE(Kind.EDITED) {
            long apply(List<Line> lines, int at, Random random) {
                lines.get(at).raw = lines.get(at).json.toString().substring(0, 20);
                return lines.get(at).seq();
            }
        };

        final Kind kind;

        Tampering(Kind kind) {
            this.kind = kind;
        }

        abstract long apply(List<Line> lines, int at, Random random);
    }

    static final class Line {
        final ObjectNode json;
        String raw;

        Line(ObjectNode json) {
            this.json = json;
        }

        long seq() {
            return json.path("seq").asLong();
        }
    }

    private static void write(Path dir, int entries) {
        MutableClock clock = MutableClock.atEpochPlusOneDay();
        try (AuditLog log = AuditLog.open(new AuditSettings(true, dir, 1 << 20), clock)) {
            for (int i = 0; i < entries; i++) {
                log.append(AuditLogTest.aRecord(i % 2 == 0 ? "alice" : "bob", "POST /workflows/servers/create", "t" + i));
            }
        }
    }

    private static List<Line> lines(Path dir) throws IOException {
        List<Line> lines = new ArrayList<>();
        for (String text : Files.readAllLines(dir.resolve("audit.log"), StandardCharsets.UTF_8)) {
            lines.add(new Line((ObjectNode) AuditHashing.MAPPER.readTree(text)));
        }
        return lines;
    }

    private static void save(Path dir, List<Line> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Line line : lines) {
            text.append(line.raw != null ? line.raw : line.json.toString()).append('\n');
        }
        Files.writeString(dir.resolve("audit.log"), text, StandardCharsets.UTF_8);
    }
}
