package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.migration.CanonicalTask;
import io.provisioning.orchestrator.task.Task;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Many tasks in three statements, whatever their number: the rows travel as arrays and
 * {@code unnest} turns them back into rows, so a batch costs three round trips and one commit; a
 * migration's batch of new tasks goes as binary {@code COPY} ({@link #runCanonical}).
 * Runs inside the caller's transaction. An import is not news for the nodes that follow live
 * changes (submissions are {@link SubmissionRows}).
 */
final class BulkImport {
    private static final String TASKS = """
            INSERT INTO task AS t (id, seq, status, idem, attempts, updated, writer, json)
            SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::integer[], ?::text[], ?::text[], ?::text[])
            ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, status = EXCLUDED.status, idem = EXCLUDED.idem,
                attempts = EXCLUDED.attempts, updated = EXCLUDED.updated, version = t.version + 1,
                writer = EXCLUDED.writer, lease_owner = NULL, lease_until = NULL, json = EXCLUDED.json
            """;
    private static final String QUEUE = """
            INSERT INTO queue (task_id, priority, seq, not_before)
            SELECT * FROM unnest(?::text[], ?::integer[], ?::bigint[], ?::text[])
            ON CONFLICT (task_id) DO UPDATE SET priority = EXCLUDED.priority, seq = EXCLUDED.seq,
                not_before = EXCLUDED.not_before
            """;
    private static final String UNQUEUE = "DELETE FROM queue WHERE task_id = ANY (?::text[])";

    private static final String TASK_COLUMNS = "id, seq, status, idem, attempts, updated, writer, json";
    private static final String QUEUE_COLUMNS = "task_id, priority, seq, not_before";

    private BulkImport() {}

    /** Replaces what is stored under the tasks' ids, quietly (an import). */
    static void run(Connection c, List<Task> tasks, Set<String> queued, String node) throws SQLException {
        write(c, tasks, null, queued, node);
    }

    /**
     * An import of tasks with their canonical JSON ({@link CanonicalTask}), stored as those bytes:
     * first as binary {@code COPY} of the rows and queue entries, which holds when none of the ids
     * or sequences is stored yet (a migration into an empty database: then no queue entry has to
     * go either). If one is, the copy is rolled back to a savepoint and the batch replaces what is
     * stored as {@link #run} does. Runs inside the caller's transaction.
     */
    static void runCanonical(Connection c, List<CanonicalTask> tasks, Set<String> queued, String node) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            copyNew(c, tasks, queued, node);
            c.releaseSavepoint(before);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before);
            List<Task> plain = new ArrayList<>(tasks.size());
            String[] json = new String[tasks.size()];
            for (int i = 0; i < json.length; i++) {
                plain.add(tasks.get(i).task());
                json[i] = new String(tasks.get(i).json(), StandardCharsets.UTF_8);
            }
            write(c, plain, json, queued, node);
        }
    }

    private static final String UNIQUE_VIOLATION = "23505";

    private static void copyNew(Connection c, List<CanonicalTask> tasks, Set<String> queued, String node)
            throws SQLException {
        byte[] writer = node.getBytes(StandardCharsets.UTF_8);
        List<Task> inQueue = new ArrayList<>();
        try (BinaryCopy rows = BinaryCopy.start(c, "task", TASK_COLUMNS)) {
            for (CanonicalTask canonical : tasks) {
                Task task = canonical.task();
                rows.row(8).text(task.id()).int8(task.sequence()).text(task.status().name()).text(task.idempotencyKey())
                        .int4(task.attempts()).text(String.valueOf(task.updatedAt())).bytes(writer).bytes(canonical.json());
                if (queued.contains(task.id())) {
                    inQueue.add(task);
                }
            }
            rows.finish();
        }
        if (inQueue.isEmpty()) {
            return;
        }
        try (BinaryCopy rows = BinaryCopy.start(c, "queue", QUEUE_COLUMNS)) {
            for (Task task : inQueue) {
                rows.row(4).text(task.id()).int4(task.priority()).int8(task.sequence())
                        .text(task.nextAttemptAt() == null ? null : task.nextAttemptAt().toString());
            }
            rows.finish();
        }
    }

    /** {@code known}: the tasks' JSON when made already, else null. */
    private static void write(Connection c, List<Task> tasks, String[] known, Set<String> queued, String node)
            throws SQLException {
        int n = tasks.size();
        String[] ids = new String[n];
        Long[] seqs = new Long[n];
        String[] statuses = new String[n];
        String[] idems = new String[n];
        Integer[] attempts = new Integer[n];
        String[] updated = new String[n];
        String[] writers = new String[n];
        String[] json = known != null ? known : new String[n];
        List<Task> inQueue = new ArrayList<>();
        List<String> notQueued = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Task task = tasks.get(i);
            ids[i] = task.id();
            seqs[i] = task.sequence();
            statuses[i] = task.status().name();
            idems[i] = task.idempotencyKey();
            attempts[i] = task.attempts();
            updated[i] = String.valueOf(task.updatedAt());
            writers[i] = node;
            if (known == null) {
                json[i] = TaskRows.toJson(task);
            }
            if (queued.contains(task.id())) {
                inQueue.add(task);
            } else {
                notQueued.add(task.id());
            }
        }
        try (PreparedStatement ps = c.prepareStatement(TASKS)) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.setArray(2, c.createArrayOf("bigint", seqs));
            ps.setArray(3, c.createArrayOf("text", statuses));
            ps.setArray(4, c.createArrayOf("text", idems));
            ps.setArray(5, c.createArrayOf("integer", attempts));
            ps.setArray(6, c.createArrayOf("text", updated));
            ps.setArray(7, c.createArrayOf("text", writers));
            ps.setArray(8, c.createArrayOf("text", json));
            ps.executeUpdate();
        }
        if (!inQueue.isEmpty()) {
            int q = inQueue.size();
            String[] qIds = new String[q];
            Integer[] priorities = new Integer[q];
            Long[] qSeqs = new Long[q];
            String[] notBefore = new String[q];
            for (int i = 0; i < q; i++) {
                Task task = inQueue.get(i);
                qIds[i] = task.id();
                priorities[i] = task.priority();
                qSeqs[i] = task.sequence();
                notBefore[i] = task.nextAttemptAt() == null ? null : task.nextAttemptAt().toString();
            }
            try (PreparedStatement ps = c.prepareStatement(QUEUE)) {
                ps.setArray(1, c.createArrayOf("text", qIds));
                ps.setArray(2, c.createArrayOf("integer", priorities));
                ps.setArray(3, c.createArrayOf("bigint", qSeqs));
                ps.setArray(4, c.createArrayOf("text", notBefore));
                ps.executeUpdate();
            }
        }
        if (!notQueued.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(UNQUEUE)) {
                ps.setArray(1, c.createArrayOf("text", notQueued.toArray(String[]::new)));
                ps.executeUpdate();
            }
        }
    }
}