package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.task.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Many tasks in three statements, whatever their number: the rows travel as arrays and
 * {@code unnest} turns them back into rows, so a batch costs three round trips and one commit.
 * Runs inside the caller's transaction. An import is not news for the nodes that follow live
 * changes; a submission's caller announces its tasks after the commit ({@link ChangeNotices}).
 */
final class BulkImport {
    private static final String TASKS = """
            INSERT INTO task AS t (id, seq, status, idem, attempts, updated, writer, json)
            SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::integer[], ?::text[], ?::text[], ?::text[])
            ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, status = EXCLUDED.status, idem = EXCLUDED.idem,
                attempts = EXCLUDED.attempts, updated = EXCLUDED.updated, version = t.version + 1,
                writer = EXCLUDED.writer, lease_owner = NULL, lease_until = NULL, json = EXCLUDED.json
            """;
    /** New tasks only: an id or sequence already stored fails the whole transaction. */
    private static final String NEW_TASKS = """
            INSERT INTO task (id, seq, status, idem, attempts, updated, writer, json)
            SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::integer[], ?::text[], ?::text[], ?::text[])
            """;
    private static final String QUEUE = """
            INSERT INTO queue (task_id, priority, seq, not_before)
            SELECT * FROM unnest(?::text[], ?::integer[], ?::bigint[], ?::text[])
            ON CONFLICT (task_id) DO UPDATE SET priority = EXCLUDED.priority, seq = EXCLUDED.seq,
                not_before = EXCLUDED.not_before
            """;
    private static final String UNQUEUE = "DELETE FROM queue WHERE task_id = ANY (?::text[])";

    private BulkImport() {}

    /** Replaces what is stored under the tasks' ids, quietly (an import). */
    static void run(Connection c, List<Task> tasks, Set<String> queued, String node) throws SQLException {
        write(c, tasks, queued, node, true);
    }

    /** Inserts new tasks, every one queued, and tells the other nodes (a submission). */
    static String[] insertQueued(Connection c, List<Task> tasks, String node) throws SQLException {
        Set<String> all = new java.util.HashSet<>();
        tasks.forEach(t -> all.add(t.id()));
        return write(c, tasks, all, node, false);
    }

    /** Returns the tasks' JSON as stored, in order. */
    private static String[] write(Connection c, List<Task> tasks, Set<String> queued, String node, boolean quiet)
            throws SQLException {
        int n = tasks.size();
        String[] ids = new String[n];
        Long[] seqs = new Long[n];
        String[] statuses = new String[n];
        String[] idems = new String[n];
        Integer[] attempts = new Integer[n];
        String[] updated = new String[n];
        String[] writers = new String[n];
        String[] json = new String[n];
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
            json[i] = TaskRows.toJson(task);
            if (queued.contains(task.id())) {
                inQueue.add(task);
            } else {
                notQueued.add(task.id());
            }
        }
        try (PreparedStatement ps = c.prepareStatement(quiet ? TASKS : NEW_TASKS)) {
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
        return json;
    }
}