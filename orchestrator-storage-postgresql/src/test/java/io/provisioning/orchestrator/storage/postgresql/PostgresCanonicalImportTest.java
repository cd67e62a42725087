package io.provisioning.orchestrator.storage.postgresql;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.CanonicalImport;
import io.provisioning.orchestrator.storage.migration.CanonicalTask;
import io.provisioning.orchestrator.storage.migration.MigrationException;
import io.provisioning.orchestrator.storage.migration.MigrationReport;
import io.provisioning.orchestrator.storage.migration.OfflineMigration;
import io.provisioning.orchestrator.storage.migration.StoredJsonScan;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration's import into PostgreSQL from canonical JSON bytes (binary COPY): the rows are those
 * {@code importBatch} makes, the JSON is stored byte for byte, a batch meeting stored ids replaces
 * them, and a task that is stored differently is still caught by the verification.
 */
class PostgresCanonicalImportTest {
    @TempDir Path dataDir;
    private final PostgresCluster cluster = PostgresCluster.shared();

    private TaskStorage open(String database) {
        return StorageTypes.open("postgresql", dataDir, cluster.storageOptions(database));
    }

    private Connection admin(String database) throws Exception {
        return DriverManager.getConnection(cluster.url(database), PostgresCluster.USER, PostgresCluster.PASSWORD);
    }

    private static List<Task> someTasks() {
        Task later = aTask().running();
        return List.of(aTask().pending(), aTask().completed(), aTask().failed(), aTask().running(),
                aTask().withIdempotencyKey("key-1").withPriority(7).pending(),
                later.retryLater(Instant.parse("2026-01-01T00:00:03Z"), Instant.parse("2026-01-01T00:05:00Z"), 2,
                        "boom \t \\ \" \n ü 字", "exit code 2"));
    }

    private static List<String> rows(Connection c) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT t.id, t.seq, t.status, t.idem, t.attempts, t.updated, t.version,"
                        + " t.writer, t.lease_owner, t.lease_until, t.json, q.priority, q.seq, q.not_before"
                        + " FROM task t LEFT JOIN queue q ON q.task_id = t.id ORDER BY t.seq")) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= 14; i++) {
                    row.append(rs.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @Test
    void copies_the_rows_importBatch_would_write_with_the_json_byte_for_byte() throws Exception {
        List<Task> tasks = someTasks();
        Set<String> queued = Set.of(tasks.get(0).id(), tasks.get(4).id(), tasks.get(5).id());
        String copied = cluster.createDatabase();
        String inserted = cluster.createDatabase();
        try (TaskStorage a = open(copied); TaskStorage b = open(inserted)) {
            ((CanonicalImport) a).importCanonical(tasks.stream().map(CanonicalTask::of).toList(), queued);
            b.importBatch(tasks, queued);
            for (Task task : tasks) {
                assertThat(a.find(task.id())).contains(task);
            }
            assertThat(Set.copyOf(a.queuedTaskIds())).isEqualTo(queued);
        }
        try (Connection ca = admin(copied); Connection cb = admin(inserted)) {
            assertThat(rows(ca)).hasSize(tasks.size()).isEqualTo(rows(cb));
            try (Statement st = ca.createStatement(); ResultSet rs = st.executeQuery("SELECT id, json FROM task")) {
                while (rs.next()) {
                    Task task = tasks.stream().filter(t -> t.id().equals(sqlString(rs, 1))).findFirst().orElseThrow();
                    assertThat(rs.getString(2).getBytes(StandardCharsets.UTF_8)).isEqualTo(CanonicalTask.of(task).json());
                }
            }
        }
    }

    private static String sqlString(ResultSet rs, int column) {
        try {
            return rs.getString(column);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_batch_that_meets_stored_ids_replaces_them_as_importBatch_does() throws Exception {
        String database = cluster.createDatabase();
        Task stays = aTask().pending();
        Task before = aTask().pending();
        try (TaskStorage storage = open(database)) {
            storage.saveAndEnqueue(stays);
            storage.saveAndEnqueue(before);
            Task after = before.start(Instant.parse("2026-01-01T00:00:01Z"))
                    .complete(Instant.parse("2026-01-01T00:00:02Z"), 0, "done");
            Task fresh = aTask().pending();
            ((CanonicalImport) storage).importCanonical(List.of(CanonicalTask.of(after), CanonicalTask.of(fresh)),
                    Set.of(fresh.id()));
            assertThat(storage.find(before.id())).contains(after);
            assertThat(storage.find(fresh.id())).contains(fresh);
            assertThat(Set.copyOf(storage.queuedTaskIds())).containsExactlyInAnyOrder(stays.id(), fresh.id());
            assertThat(storage.count()).isEqualTo(3);
        }
    }

    @Test
    void a_migration_into_postgresql_copies_and_verifies_and_catches_a_task_stored_differently() throws Exception {
        InMemoryTaskStorage source = new InMemoryTaskStorage();
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Task task = i % 4 == 0 ? aTask().pending() : aTask().completed();
            if (task.status().isTerminal()) {
                source.save(task);
            } else {
                source.saveAndEnqueue(task);
            }
            tasks.add(task);
        }
        String clean = cluster.createDatabase();
        try (TaskStorage target = open(clean)) {
            MigrationReport report = new OfflineMigration(source, target, new OfflineMigration.Settings(7, 2, false),
                    (phase, done, total) -> { }).run();
            assertThat(report.copied()).isEqualTo(30);
            assertThat(report.targetDigest()).isEqualTo(report.sourceDigest());
        }

        String altered = cluster.createDatabase();
        Task victim = tasks.get(9);
        try (TaskStorage target = open(altered); Connection other = admin(altered)) {
            // once every batch is in, another hand changes one stored task before the verification reads it
            assertThatThrownBy(() -> new OfflineMigration(source, target, new OfflineMigration.Settings(7, 2, false),
                    (phase, done, total) -> {
                        if (phase.equals("copying") && done == total) {
                            alter(other, victim.id());
                        }
                    }).run()).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("verification failed")
                    .hasMessageContaining("task " + victim.id() + " differs");
        }
    }

    private static void alter(Connection c, String id) {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE task SET json = replace(json, 'web-01', 'web-02') WHERE id = '" + id + "'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_migration_from_postgresql_reads_the_stored_json_and_verifies_even_a_row_in_other_bytes() throws Exception {
        String database = cluster.createDatabase();
        List<Task> tasks = someTasks();
        Set<String> queued = Set.of(tasks.get(0).id(), tasks.get(5).id());
        try (TaskStorage source = open(database); Connection other = admin(database)) {
            source.importBatch(tasks, queued);
            try (Statement st = other.createStatement()) {
                // the same task in other bytes: the target gets its canonical JSON, and the hashes agree
                st.executeUpdate("UPDATE task SET json = '{ ' || substr(json, 2) WHERE id = '" + tasks.get(2).id() + "'");
            }
            StoredJsonScan.Page first = ((StoredJsonScan) source).scanStoredJson(Long.MIN_VALUE, 4);
            assertThat(first.json()).hasSize(4);
            assertThat(first.lastSequence()).isEqualTo(tasks.stream().mapToLong(Task::sequence).sorted().skip(3).findFirst().orElseThrow());

            InMemoryTaskStorage target = new InMemoryTaskStorage();
            MigrationReport report = new OfflineMigration(source, target, new OfflineMigration.Settings(4, 2, false),
                    (phase, done, total) -> { }).run();
            assertThat(report.copied()).isEqualTo(tasks.size());
            for (Task task : tasks) {
                assertThat(target.find(task.id())).contains(task);
            }
            assertThat(Set.copyOf(target.queuedTaskIds())).isEqualTo(queued);
            assertThat(report.targetDigest()).isEqualTo(report.sourceDigest());
        }
    }
}
