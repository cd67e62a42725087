package io.provisioning.orchestrator.storage.postgresql;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import io.provisioning.orchestrator.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the PostgreSQL backend promises beyond the contract: versioned migrations run once and a
 * newer schema is refused; a claim never waits for another node's lock; credentials stay out of
 * messages; an unreachable server is "unavailable" (503), not an error.
 */
class PostgresBackendTest {
    @TempDir Path dataDir;
    private PostgresCluster cluster;
    private String database;

    @BeforeEach
    void newDatabase() {
        cluster = PostgresCluster.shared();
        database = cluster.createDatabase();
    }

    private TaskStorage open() {
        return StorageTypes.open("postgresql", dataDir, cluster.storageOptions(database));
    }

    private Connection admin() throws Exception {
        return DriverManager.getConnection(cluster.url(database), PostgresCluster.USER, PostgresCluster.PASSWORD);
    }

    @Test
    void runs_each_migration_once_and_records_it() throws Exception {
        open().close();
        open().close();
        List<Integer> versions = new ArrayList<>();
        try (Connection c = admin(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        assertThat(versions).containsExactly(1, 2);
        try (TaskStorage storage = open()) {
            assertThat(storage.formatVersions()).containsEntry("postgresql-schema", 2); // GET /version reports it
        }
    }

    @Test
    void refuses_a_schema_newer_than_it_knows_and_writes_nothing() throws Exception {
        open().close();
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO schema_version (version, description) VALUES (99, 'from a newer build')");
        }
        assertThatThrownBy(this::open).isInstanceOf(StorageException.class)
                .hasMessageContaining("schema is at version 99, newer than this orchestrator knows (2)")
                .hasMessageContaining("restore the database from the dump").hasMessageEndingWith("nothing was changed");
        try (Connection c = admin(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(99);
        }
    }

    @Test
    void a_claim_does_not_wait_for_a_row_another_node_is_locking() throws Exception {
        try (TaskStorage storage = open(); Connection other = admin()) {
            Task pending = aTask().pending();
            storage.saveAndEnqueue(pending);
            other.setAutoCommit(false);
            try (Statement st = other.createStatement()) {
                st.execute("SELECT id FROM task WHERE id = '" + pending.id() + "' FOR UPDATE"); // another node, mid-claim
            }
            CompletableFuture<Boolean> claim = CompletableFuture.supplyAsync(
                    () -> storage.compareAndSave(pending, pending.start(Instant.now()), QueueChange.REMOVE));
            // answered while the other transaction still holds the row (the wait bound only keeps a broken build from hanging)
            assertThat(claim.get(60, TimeUnit.SECONDS)).as("claimed a row another node is locking").isFalse();
            other.rollback();
            assertThat(storage.compareAndSave(pending, pending.start(Instant.now()), QueueChange.REMOVE)).isTrue();
        }
    }

    @Test
    void refused_credentials_name_the_user_and_never_the_password() throws Exception {
        Path wrong = Files.writeString(dataDir.resolve("wrong-password"), "not-the-secret-4711\n");
        Map<String, String> options = cluster.storageOptions(database);
        options.put("postgresql-password-file", wrong.toString());
        assertThatThrownBy(() -> StorageTypes.open("postgresql", dataDir, options))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("refused the credentials of user 'postgres'")
                .hasMessageNotContaining("not-the-secret-4711");
    }

    @Test
    void an_unreachable_server_is_unavailable_with_a_sentence() {
        Map<String, String> options = cluster.storageOptions(database);
        options.put("postgresql-url", "jdbc:postgresql://127.0.0.1:1/" + database);
        assertThatThrownBy(() -> StorageTypes.open("postgresql", dataDir, options))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("PostgreSQL at 127.0.0.1:1/" + database + " is unreachable (")
                .hasMessageEndingWith("); is the server running?");
    }

    @Test
    void bad_options_are_refused_in_one_sentence() {
        Map<String, String> noUrl = cluster.storageOptions(database);
        noUrl.remove("postgresql-url");
        Map<String, String> badUrl = cluster.storageOptions(database);
        badUrl.put("postgresql-url", "postgres://db/x?password=hunter2");
        Map<String, String> badPool = cluster.storageOptions(database);
        badPool.put("postgresql-pool-size", "0");
        assertThatThrownBy(() -> StorageTypes.open("postgresql", dataDir, noUrl))
                .hasMessage("--storage-type postgresql needs --postgresql-url jdbc:postgresql://HOST:PORT/DATABASE");
        assertThatThrownBy(() -> StorageTypes.open("postgresql", dataDir, badUrl))
                .hasMessage("--postgresql-url must look like jdbc:postgresql://HOST:PORT/DATABASE, not 'postgres://db/x'");
        assertThatThrownBy(() -> StorageTypes.open("postgresql", dataDir, badPool))
                .hasMessage("--postgresql-pool-size must be a whole number from 1 to 500, not '0'");
    }
}
