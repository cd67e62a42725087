package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.audit.AuditChainVerifier;
import io.provisioning.orchestrator.audit.AuditVerification;
import io.provisioning.orchestrator.format.DataFormats;
import io.provisioning.orchestrator.format.FormatManifest;
import io.provisioning.orchestrator.format.UnsupportedFormatException;
import io.provisioning.orchestrator.migration.StorageChoice;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import io.provisioning.orchestrator.testenv.TestEnvironment;
import io.provisioning.orchestrator.testenv.store.FileEnvironmentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed data dir of today's formats opens with the current code: every format reads back whole. */
class TodaysFormatsFixtureTest {
    @TempDir
    Path tmp;

    @Test
    void the_v1_data_dir_gets_its_manifest_and_nothing_else_changes_but_a_copy_kept() throws Exception {
        // filesystem-store 2 only adds the task index, which the store builds at its first open: no file is rewritten
        Path data = FormatFixtures.copyDataDir(tmp.resolve("data"));
        Map<String, String> before = FormatFixtures.tree(data);
        FormatManifest manifest = DataFormats.current().open(data);
        assertThat(manifest.formats()).isEqualTo(DataFormats.current().supported());
        assertThat(manifest.versionOf(DataFormats.FILESYSTEM_STORE)).isEqualTo(2);
        assertThat(FormatManifest.read(data)).contains(manifest);
        Map<String, String> after = FormatFixtures.tree(data, FormatManifest.FILE, "format.lock");
        after.keySet().removeIf(path -> path.startsWith("backup-before-upgrade-"));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void its_tasks_from_task_files_and_from_the_journal_read_back() throws Exception {
        Path data = FormatFixtures.copyDataDir(tmp.resolve("data"));
        DataFormats.current().open(data);
        try (TaskStorage storage = StorageTypes.open("filesystem", data, Map.of())) {
            for (String id : FormatFixtures.COMPLETED) {
                Task task = storage.find(id).orElseThrow(() -> new AssertionError("task " + id + " is lost"));
                assertThat(task.status()).isEqualTo(TaskStatus.Completed);
                assertThat(task.output()).startsWith("provisioning ");
            }
            for (String id : FormatFixtures.JOURNAL_ONLY) {
                assertThat(storage.find(id)).as("journal-only task " + id).isPresent()
                        .get().extracting(Task::status).isEqualTo(TaskStatus.Pending);
            }
            assertThat(storage.find(FormatFixtures.JOURNAL_ONLY.get(1)).orElseThrow().dependencies())
                    .containsExactly(FormatFixtures.JOURNAL_ONLY.get(0));
            assertThat(storage.findByIdempotencyKey("fixture-web-01")).isPresent();
            assertThat(storage.formatVersions()).containsEntry(DataFormats.FILESYSTEM_STORE, 2);
        }
    }

    @Test
    void its_audit_log_verifies_and_its_environment_record_reads_back() throws Exception {
        Path data = FormatFixtures.copyDataDir(tmp.resolve("data"));
        AuditVerification audit = AuditChainVerifier.verify(data.resolve("audit"), null);
        assertThat(audit.intact()).as(audit.summary()).isTrue();
        assertThat(audit.entries()).isEqualTo(FormatFixtures.AUDIT_ENTRIES);
        TestEnvironment environment = new FileEnvironmentStore(data.resolve("testenv")).find(FormatFixtures.ENVIRONMENT)
                .orElseThrow();
        assertThat(environment.status().name()).isEqualTo("Failed");
        assertThat(environment.error()).contains("not available here");
    }

    @Test
    void storage_json_without_a_version_is_version_1_and_a_newer_one_is_refused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("choice"));
        Files.copy(FormatFixtures.v1().resolve("storage.json"), dir.resolve(StorageChoice.FILE));
        StorageChoice choice = StorageChoice.recorded(dir).orElseThrow();
        assertThat(choice.type()).isEqualTo("surrealdb-server");
        assertThat(choice.options()).containsEntry("surrealdb-url", "ws://db.example:8000");
        choice.record(dir);
        assertThat(Files.readString(dir.resolve(StorageChoice.FILE))).contains("\"format_version\" : 1");
        Files.writeString(dir.resolve(StorageChoice.FILE), Files.readString(dir.resolve(StorageChoice.FILE))
                .replace("\"format_version\" : 1", "\"format_version\" : 2"));
        byte[] newer = Files.readAllBytes(dir.resolve(StorageChoice.FILE));
        assertThatThrownBy(() -> StorageChoice.recorded(dir)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("storage-choice format version 2, newer than this orchestrator knows (1)");
        assertThat(Files.readAllBytes(dir.resolve(StorageChoice.FILE))).isEqualTo(newer);
    }
}
