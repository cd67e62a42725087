package io.provisioning.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir Path dir;
    MutableClock clock = MutableClock.atEpochPlusOneDay();

    static AuditRecord aRecord(String actor, String action, String target) {
        return new AuditRecord(actor, "operator", action, target, "127.0.0.1", "200", null);
    }

    @Test
    void each_entry_carries_the_hash_of_the_one_before() {
        try (AuditLog log = AuditLog.open(settings(1 << 20), clock)) {
            AuditEntry first = log.append(aRecord("alice", "POST /workflows/servers/create", "t1"));
            AuditEntry second = log.append(aRecord("bob", "POST /tasks/{id}/cancel", "t1"));
            assertThat(first.seq()).isEqualTo(1);
            assertThat(first.prevHash()).isEqualTo(AuditHashing.GENESIS);
            assertThat(second.prevHash()).isEqualTo(first.hash());
            assertThat(second.hash()).hasSize(64).isNotEqualTo(first.hash());
        }
        assertThat(AuditChainVerifier.verify(dir, null).intact()).isTrue();
    }

    @Test
    void entries_from_many_threads_queued_or_awaited_form_one_chain_across_rotations() throws Exception {
        int threads = 16;
        int each = 50;
        try (AuditLog log = AuditLog.open(settings(8192), clock)) {
            List<Thread> started = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                started.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < each; i++) {
                        AuditRecord record = aRecord("t" + thread, "task.running", "n" + i);
                        if (i % 2 == 0) {
                            log.appendLater(record);
                        } else {
                            assertThat(log.append(record).hash()).hasSize(64);
                        }
                    }
                }));
            }
            for (Thread thread : started) {
                thread.join();
            }
            // a reader waits for the queued entries to be written
            assertThat(log.lastSeq()).isEqualTo(threads * each);
            assertThat(log.query(new AuditQuery("t3", null, null, null, null, 1000))).hasSize(each);
        }
        assertThat(AuditFiles.inOrder(dir)).hasSizeGreaterThan(2);
        AuditVerification verification = AuditChainVerifier.verify(dir, null);
        assertThat(verification.intact()).as(verification.toString()).isTrue();
    }

    @Test
    void rotates_by_size_without_breaking_the_chain_and_goes_on_after_a_restart() throws Exception {
        try (AuditLog log = AuditLog.open(settings(4096), clock)) {
            for (int i = 0; i < 60; i++) {
                log.append(aRecord("alice", "POST /workflows/servers/create", "task-" + i));
            }
        }
        List<Path> files = AuditFiles.inOrder(dir);
        assertThat(files).hasSizeGreaterThan(3);
        assertThat(files.get(0).getFileName().toString()).isEqualTo("audit-1.log");
        assertThat(files.get(files.size() - 1).getFileName().toString()).isEqualTo("audit.log");
        for (Path file : files) {
            assertThat(Files.size(file)).isLessThanOrEqualTo(4096);
        }
        try (AuditLog reopened = AuditLog.open(settings(4096), clock)) {
            assertThat(reopened.lastSeq()).isEqualTo(60);
            assertThat(reopened.append(aRecord("carol", "DELETE /x", null)).seq()).isEqualTo(61);
        }
        AuditVerification result = AuditChainVerifier.verify(dir, null);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.entries()).isEqualTo(61);
    }

    @Test
    void a_write_torn_by_a_crash_is_cut_off_at_the_next_start() throws Exception {
        try (AuditLog log = AuditLog.open(settings(1 << 20), clock)) {
            log.append(aRecord("alice", "POST /a", null));
        }
        Files.writeString(dir.resolve("audit.log"), "{\"seq\":2,\"ts\":\"2026-", StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(settings(1 << 20), clock)) {
            assertThat(log.append(aRecord("bob", "POST /b", null)).seq()).isEqualTo(2);
        }
        assertThat(AuditChainVerifier.verify(dir, null).intact()).isTrue();
    }

    @Test
    void finds_entries_by_subject_action_prefix_target_and_time_newest_first() {
        try (AuditLog log = AuditLog.open(settings(4096), clock)) {
            for (int i = 0; i < 30; i++) {
                log.append(aRecord(i % 2 == 0 ? "alice" : "bob", i % 3 == 0 ? "task.completed" : "POST /workflows/servers/create",
                        "task-" + (i % 5)));
                clock.advance(Duration.ofMinutes(1));
            }
            Instant start = MutableClock.atEpochPlusOneDay().instant();
            List<AuditEntry> alice = log.query(new AuditQuery("alice", null, null, null, null, 100));
            assertThat(alice).hasSize(15).allMatch(e -> e.record().actor().equals("alice"));
            assertThat(alice.get(0).seq()).isGreaterThan(alice.get(1).seq());
            assertThat(log.query(new AuditQuery(null, "task.", null, null, null, 100))).hasSize(10);
            assertThat(log.query(new AuditQuery(null, "POST", "task-1", null, null, 100)))
                    .allMatch(e -> e.record().target().equals("task-1") && e.record().action().startsWith("POST"));
            assertThat(log.query(new AuditQuery(null, null, null, start.plus(Duration.ofMinutes(10)),
                    start.plus(Duration.ofMinutes(20)), 100))).extracting(AuditEntry::seq)
                    .containsExactly(20L, 19L, 18L, 17L, 16L, 15L, 14L, 13L, 12L, 11L);
            assertThat(log.query(new AuditQuery(null, null, null, null, null, 3))).extracting(AuditEntry::seq)
                    .containsExactly(30L, 29L, 28L);
        }
    }

    @Test
    void hostile_text_stays_inside_one_line() throws Exception {
        try (AuditLog log = AuditLog.open(settings(1 << 20), clock)) {
            log.append(new AuditRecord("eve\n{\"seq\":99}", null, "POST /x\r\n", "../../etc/passwd\u0000",
                    "1.2.3.4", "400", "x".repeat(5000) + "\u2028\ud83d\ude00"));
        }
        List<String> lines = Files.readAllLines(dir.resolve("audit.log"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).length()).isLessThan(3000);
        assertThat(AuditChainVerifier.verify(dir, null).intact()).isTrue();
    }

    private AuditSettings settings(long maxBytes) {
        return new AuditSettings(true, dir, maxBytes);
    }
}
