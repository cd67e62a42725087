package io.provisioning.orchestrator.storage.postgresql;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.task.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A submission as one statement, so that it can go in a {@link GroupCommit} batch with the
 * others: the idempotency key claimed ({@code INSERT … ON CONFLICT DO NOTHING}, see
 * {@link Submissions}), and only if it was, the new tasks (an id or sequence already stored raises)
 * and their queue entries, travelling as arrays. It answers how many keys it claimed (1 without a
 * key), so a taken key writes nothing of this submission and leaves the rest of the batch alone.
 */
final class SubmissionRows {
    private static final String TASKS_AND_QUEUE = """
            t AS (INSERT INTO task (id, seq, status, idem, attempts, updated, writer, json)
                SELECT u.* FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::integer[], ?::text[], ?::text[], ?::text[]) AS u
                WHERE EXISTS (SELECT 1 FROM k) RETURNING id),
            q AS (INSERT INTO queue (task_id, priority, seq, not_before)
                SELECT u.* FROM unnest(?::text[], ?::integer[], ?::bigint[], ?::text[]) AS u
                WHERE EXISTS (SELECT 1 FROM k) RETURNING 1)
            SELECT (SELECT count(*) FROM k)
            """;
    static final String KEYED = "WITH k AS (INSERT INTO idempotency (key, request_hash, json) VALUES (?, ?, ?)"
            + " ON CONFLICT (key) DO NOTHING RETURNING 1), " + TASKS_AND_QUEUE;
    static final String UNKEYED = "WITH k AS (SELECT 1), " + TASKS_AND_QUEUE;

    /**
     * Unkeyed submissions, many in one statement ({@link GroupCommit.SetStatement}): every task of
     * each, and its queue entry; it answers {@code 1, key} for each submission (its first task's
     * id), as an unkeyed submission either stores all its tasks or raises. Rows: {@link #rows}.
     */
    static final GroupCommit.SetStatement UNKEYED_MANY = GroupCommit.SetStatement.over(List.of("sub text", "id text",
            "seq bigint", "status text", "idem text", "attempts integer", "updated text", "writer text",
            "json " + GroupCommit.SetStatement.JOINED, "priority integer", "not_before text"), """
            t AS (INSERT INTO task (id, seq, status, idem, attempts, updated, writer, json)
                SELECT id, seq, status, idem, attempts, updated, writer, json FROM u RETURNING id),
            q AS (INSERT INTO queue (task_id, priority, seq, not_before) SELECT id, priority, seq, not_before FROM u RETURNING 1)
            SELECT DISTINCT 1::bigint, u.sub FROM t JOIN u ON u.id = t.id
            """);

    private SubmissionRows() {}

    /** A submission's rows for {@link #UNKEYED_MANY}: one per task, its first task's id as the key. */
    static Object[][] rows(List<Task> tasks, String[] json, String node) {
        Object[][] rows = new Object[tasks.size()][];
        String key = tasks.get(0).id();
        for (int t = 0; t < rows.length; t++) {
            Task task = tasks.get(t);
            rows[t] = new Object[] {key, task.id(), task.sequence(), task.status().name(), task.idempotencyKey(),
                    task.attempts(), String.valueOf(task.updatedAt()), node, json[t], task.priority(),
                    task.nextAttemptAt() == null ? null : task.nextAttemptAt().toString()};
        }
        return rows;
    }

    static String sql(IdempotencyRecord idempotency) {
        return idempotency == null ? UNKEYED : KEYED;
    }

    /** Binds from {@code i}; {@code json} are the tasks' JSON, in order. Returns the next index. */
    static int bind(PreparedStatement ps, int i, List<Task> tasks, String[] json, IdempotencyRecord idempotency,
            String node) throws SQLException {
        Connection c = ps.getConnection();
        if (idempotency != null) {
            ps.setString(i++, idempotency.key());
            ps.setString(i++, String.valueOf(idempotency.requestHash()));
            ps.setString(i++, toJson(idempotency));
        }
        int n = tasks.size();
        String[] ids = new String[n];
        Long[] seqs = new Long[n];
        String[] statuses = new String[n];
        String[] idems = new String[n];
        Integer[] attempts = new Integer[n];
        String[] updated = new String[n];
        String[] writers = new String[n];
        Integer[] priorities = new Integer[n];
        String[] notBefore = new String[n];
        for (int t = 0; t < n; t++) {
            Task task = tasks.get(t);
            ids[t] = task.id();
            seqs[t] = task.sequence();
            statuses[t] = task.status().name();
            idems[t] = task.idempotencyKey();
            attempts[t] = task.attempts();
            updated[t] = String.valueOf(task.updatedAt());
            writers[t] = node;
            priorities[t] = task.priority();
            notBefore[t] = task.nextAttemptAt() == null ? null : task.nextAttemptAt().toString();
        }
        ps.setArray(i++, c.createArrayOf("text", ids));
        ps.setArray(i++, c.createArrayOf("bigint", seqs));
        ps.setArray(i++, c.createArrayOf("text", statuses));
        ps.setArray(i++, c.createArrayOf("text", idems));
        ps.setArray(i++, c.createArrayOf("integer", attempts));
        ps.setArray(i++, c.createArrayOf("text", updated));
        ps.setArray(i++, c.createArrayOf("text", writers));
        ps.setArray(i++, c.createArrayOf("text", json));
        ps.setArray(i++, c.createArrayOf("text", ids));
        ps.setArray(i++, c.createArrayOf("integer", priorities));
        ps.setArray(i++, c.createArrayOf("bigint", seqs));
        ps.setArray(i++, c.createArrayOf("text", notBefore));
        return i;
    }

    private static String toJson(IdempotencyRecord record) {
        try {
            return Json.mapper().writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot write idempotency record " + record.key() + " as JSON: " + e.getMessage(), e);
        }
    }
}
