package io.provisioning.orchestrator.storage.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-based statements' plans on a real PostgreSQL with a table of 20,000 analysed rows, as the
 * server plans them once they are prepared (a generic plan, the arrays unknown): each looks a task
 * up by its primary key. The planner guesses 1,000 rows for the arrays whatever they hold, and a
 * statement joining them on id alone was planned as a hash join over a scan of the whole table,
 * which made every batch read every row (12 ms a statement at 80,000 rows in a benchmark).
 */
class SetStatementPlanTest {
    @TempDir Path dataDir;
    private PostgresCluster cluster;
    private String database;
    private PostgresTaskStorage storage;

    @BeforeEach
    void open() {
        cluster = PostgresCluster.shared();
        database = cluster.createDatabase();
        storage = new PostgresStorageFactory().open(dataDir, cluster.storageOptions(database), 1);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void every_set_statement_finds_its_rows_by_primary_key_in_a_generic_plan() throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.url(database), PostgresCluster.USER, PostgresCluster.PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO task (id, seq, status, attempts, updated, writer, json) SELECT 'task-' || g, g,"
                    + " CASE WHEN g % 10 = 0 THEN 'Pending' ELSE 'Completed' END, 1, '2026-01-01T00:00:00Z', 'n', '{}'"
                    + " FROM generate_series(1, 20000) g");
            st.execute("INSERT INTO queue (task_id, priority, seq) SELECT id, 5, seq FROM task WHERE status = 'Pending'");
            st.execute("ANALYZE task");
            st.execute("ANALYZE queue");
            st.execute("SET plan_cache_mode = force_generic_plan");
            List<GroupCommit.SetStatement> statements = new ArrayList<>();
            for (QueueChange queue : QueueChange.values()) {
                statements.add(TaskRows.compareAndSetMany(queue, true));
                statements.add(TaskRows.compareAndSetMany(queue, false));
            }
            statements.add(SubmissionRows.UNKEYED_MANY);
            for (int s = 0; s < statements.size(); s++) {
                GroupCommit.SetStatement statement = statements.get(s);
                st.execute("PREPARE set_" + s + " AS " + numbered(statement.sql()));
                String plan = plan(st, "EXPLAIN EXECUTE set_" + s + "(" + String.join(", ",
                        java.util.Collections.nCopies(statement.types().size(), "NULL")) + ")");
                assertThat(plan).as("plan of\n%s", statement.sql()).doesNotContain("Seq Scan on task");
            }
        }
    }

    /** JDBC's {@code ?} as PREPARE's {@code $1, $2, …}. */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                out.append('$').append(++n);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static String plan(Statement st, String explain) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = st.executeQuery(explain)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
