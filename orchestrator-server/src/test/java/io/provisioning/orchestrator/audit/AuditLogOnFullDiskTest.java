package io.provisioning.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.durability.DurabilityReport;
import io.provisioning.orchestrator.testing.MutableClock;
import io.provisioning.orchestrator.testing.SmallDisk;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log on a real tmpfs filled to the last byte, then freed. */
class AuditLogOnFullDiskTest {
    @TempDir Path tmp;
    SmallDisk disk;
    MutableClock clock = MutableClock.atEpochPlusOneDay();

    @BeforeEach
    void mount() throws Exception {
        disk = SmallDisk.mount(tmp, 2);
    }

    @AfterEach
    void unmount() throws Exception {
        disk.close();
    }

    private AuditSettings settings() {
        return new AuditSettings(true, disk.path().resolve("audit"), 1 << 20);
    }

    private static AuditRecord entry(int i) {
        return new AuditRecord("alice", "operator", "POST /workflows/servers/create", "task-" + i, "127.0.0.1", "200",
                "a detail long enough that a few entries cross a page boundary of the filesystem " + "x".repeat(200));
    }

    /** Appends until the disk refuses; returns how many were refused. */
    private static int appendUntilRefused(AuditLog log, int from) {
        int refused = 0;
        for (int i = from; i < from + 3000 && refused < 5; i++) {
            try {
                log.append(entry(i));
            } catch (RuntimeException full) {
                refused++;
            }
        }
        return refused;
    }

    @Test
    void a_write_the_full_disk_cut_short_never_makes_the_chain_report_tampering() throws Exception {
        try (AuditLog log = AuditLog.open(settings(), clock)) {
            for (int i = 0; i < 3; i++) {
                log.append(entry(i));
            }
            disk.fill();
            assertThat(appendUntilRefused(log, 3)).as("the full disk refuses entries").isPositive();
            disk.free();
            log.append(entry(9999)); // space is back: the log goes on
        }
        AuditVerification result = AuditChainVerifier.verify(settings().dir(), null);
        assertThat(result.intact()).as(result.summary()).isTrue();
    }

    @Test
    void a_full_disk_refuses_before_anything_changes_and_the_gap_is_an_entry_once_space_returns() throws Exception {
        DurabilityReport report = new DurabilityReport(clock);
        try (AuditLog log = AuditLog.open(settings(), clock, report)) {
            log.append(entry(0));
            log.checkWritable();
            disk.fill();
            assertThatThrownBy(log::checkWritable).isInstanceOf(AuditUnavailableException.class)
                    .hasMessageContaining("refused and changed nothing");
            assertThat(report.problems()).containsKey(DurabilityReport.AUDIT_LOG);
            // entries already under way still land: the first in the reserve, the rest until that is used up too
            AuditEntry inReserve = log.append(entry(1));
            assertThat(inReserve.seq()).isEqualTo(2);
            int lost = appendUntilRefused(log, 2);
            assertThat(lost).isPositive();

            disk.free();
            assertThat(log.heal()).isNull();
            log.checkWritable();
            assertThat(report.problems()).isEmpty();
            AuditEntry gap = log.query(new AuditQuery(null, "audit.gap", null, null, null, 1)).get(0);
            assertThat(gap.record().detail()).startsWith(lost + " entries could not be written between ")
                    .contains("No space left on device");
        }
        AuditVerification result = AuditChainVerifier.verify(settings().dir(), null);
        assertThat(result.intact()).as(result.summary()).isTrue();
    }

    @Test
    void failing_open_lets_requests_go_on_while_the_disk_is_full() throws Exception {
        AuditSettings open = new AuditSettings(true, disk.path().resolve("audit"), 1 << 20, true);
        try (AuditLog log = AuditLog.open(open, clock)) {
            disk.fill();
            log.checkWritable(); // does not throw
            assertThat(log.problem()).contains("bytes free");
        }
    }
}
