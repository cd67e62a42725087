package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the schema with plain versioned SQL: each {@code migrations/V<n>__<what>.sql}
 * runs once, in its own transaction, and is recorded in {@code schema_version}. Nodes that start
 * together take a transaction-scoped advisory lock first, so only one of them upgrades. A database
 * newer than this build (a version it does not know) is refused rather than written to.
 */
final class SchemaMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);
    /** Every migration, in order; a new one is added at the end and never edited after release. */
    static final List<String> FILES = List.of("V1__tasks_and_queue.sql", "V2__idempotency_keys.sql");
    private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    private static final long LOCK_KEY = 0x6f72636865737472L; // "orchestr"

    private SchemaMigrations() {}

    record Migration(int version, String description, String sql) {}

    static List<Migration> all() {
        List<Migration> migrations = new ArrayList<>();
        for (String file : FILES) {
            Matcher m = NAME.matcher(file);
            if (!m.matches()) {
                throw new IllegalStateException("migration file name " + file + " is not V<n>__<what>.sql");
            }
            try (InputStream in = SchemaMigrations.class.getResourceAsStream("migrations/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("migration " + file + " is missing from the build");
                }
                migrations.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read migration " + file, e);
            }
        }
        return migrations;
    }

    /** Brings the schema up to date; returns the version it is at now. */
    static int apply(Connection connection) throws SQLException {
        List<Migration> migrations = all();
        int latest = migrations.get(migrations.size() - 1).version();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (Statement st = connection.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                st.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, "
                        + "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            }
            int current = current(connection);
            if (current > latest) {
                throw new StorageException("the PostgreSQL schema is at version " + current + ", newer than this "
                        + "orchestrator knows (" + latest + "): start an orchestrator release that knows version " + current
                        + " on this database, or restore the database from the dump taken before the upgrade "
                        + "(docs/OPERATIONS.md); nothing was changed");
            }
            for (Migration migration : migrations) {
                if (migration.version() <= current) {
                    continue;
                }
                try (Statement st = connection.createStatement()) {
                    st.execute(migration.sql());
                }
                try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO schema_version (version, description) VALUES (?, ?)")) {
                    ps.setInt(1, migration.version());
                    ps.setString(2, migration.description());
                    ps.executeUpdate();
                }
                LOG.info("PostgreSQL schema migrated to version {} ({})", migration.version(), migration.description());
            }
            connection.commit();
            return latest;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static int current(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
