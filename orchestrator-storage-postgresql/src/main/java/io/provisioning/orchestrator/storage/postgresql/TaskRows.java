package io.provisioning.orchestrator.storage.postgresql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * How a task is kept in PostgreSQL (schema: {@code migrations/V1__tasks_and_queue.sql}). Row
 * {@code task} holds the task JSON in {@code json} next to the columns queries need: {@code status},
 * {@code seq} (unique; newest first is a backwards index scan), {@code idem}, {@code attempts} and
 * {@code updated} (the compare-and-set key), {@code version} (+1 per write, to order what other
 * nodes see), {@code writer} and, while the task runs, {@code lease_owner} and {@code lease_until}
 * (by the database's clock). Row {@code queue} is its queue entry. Each write is one statement:
 * the task change and its queue change travel together, so a write costs one round trip; the
 * writes of concurrent callers share one transaction and flushed commit ({@link GroupCommit}).
 * Every write answers how many rows it changed and the new {@code version}.
 */
final class TaskRows {
    private static final ObjectMapper JSON = Json.mapper();

    /** Parameters 1-9 of every task write, bound by {@link #bindTask}. */
    private static final String UPSERT = """
            INSERT INTO task AS t (id, seq, status, idem, attempts, updated, writer, lease_owner, lease_until, json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::text,
                    CASE WHEN ?::text IS NULL THEN NULL ELSE now() + ? * interval '1 millisecond' END, ?)
            ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, status = EXCLUDED.status, idem = EXCLUDED.idem,
                attempts = EXCLUDED.attempts, updated = EXCLUDED.updated, version = t.version + 1,
                writer = EXCLUDED.writer, lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until,
                json = EXCLUDED.json
            RETURNING id, version
            """;

    private static final String SET_FIELDS = """
            seq = ?, status = ?, idem = ?, attempts = ?, updated = ?, version = task.version + 1, writer = ?,
            lease_owner = ?::text, lease_until = CASE WHEN ?::text IS NULL THEN NULL ELSE now() + ? * interval '1 millisecond' END,
            json = ?
            """;

    private TaskRows() {}

    /** One statement: the task upserted, its queue entry put, removed or left. */
    static String upsert(QueueChange queue) {
        return "WITH w AS (" + UPSERT + ")" + queueStatement(queue);
    }

    /**
     * One statement: compare-and-set on the stored task, then the queue change if it matched;
     * answers one row when it did. A claim of a Pending task skips a row another node is locking
     * at that moment (it is claiming it too), so claims never wait on each other; other changes
     * wait for the lock and then see the other node's write, which makes their compare fail.
     */
    static String compareAndSet(QueueChange queue, boolean skipLocked) {
        return "WITH cur AS (SELECT id FROM task WHERE id = ? AND status = ? AND attempts = ? AND updated = ?"
                + " AND (status <> 'Running' OR lease_owner = ? OR lease_until IS NULL OR lease_until < now())"
                + " FOR UPDATE" + (skipLocked ? " SKIP LOCKED" : "") + "),"
                + " w AS (UPDATE task SET " + SET_FIELDS + " FROM cur WHERE task.id = cur.id RETURNING task.id, task.version)"
                + queueStatement(queue);
    }

    private static final GroupCommit.SetStatement[] MANY = new GroupCommit.SetStatement[QueueChange.values().length * 2];

    static {
        for (QueueChange queue : QueueChange.values()) {
            MANY[queue.ordinal() * 2] = manyStatement(queue, false);
            MANY[queue.ordinal() * 2 + 1] = manyStatement(queue, true);
        }
    }

    /**
     * {@link #compareAndSet} for many tasks of distinct ids in one statement
     * ({@link GroupCommit.SetStatement}): each compares and changes its own row, and the statement
     * answers {@code 1, version, id} for each one that matched. Rows are found by their primary key
     * ({@code id = ANY}, whatever the planner guesses of the arrays) and locked in id order; a claim
     * skips a row another node is locking, as the single statement does. The values of each write:
     * {@link #compareAndSetValues}.
     */
    static GroupCommit.SetStatement compareAndSetMany(QueueChange queue, boolean skipLocked) {
        return MANY[queue.ordinal() * 2 + (skipLocked ? 1 : 0)];
    }

    private static GroupCommit.SetStatement manyStatement(QueueChange queue, boolean skipLocked) {
        java.util.List<String> columns = new java.util.ArrayList<>(java.util.List.of(
                "id text", "e_status text", "e_attempts integer", "e_updated text", "e_node text", // the state compared against
                "seq bigint", "status text", "idem text", "attempts integer", "updated text", "writer text", "owner text",
                "lease_ms bigint", "json " + GroupCommit.SetStatement.JOINED));
        if (queue == QueueChange.ADD) {
            columns.addAll(java.util.List.of("priority integer", "qseq bigint", "not_before text"));
        }
        // the rows are looked up by the ids once more, as an array: the planner estimates u at 1,000
        // rows whatever it holds, and joined on id alone it would hash-join u with a scan of the table
        StringBuilder rest = new StringBuilder()
                .append("cur AS (SELECT t.id FROM task t JOIN u ON t.id = u.id WHERE t.id = ANY (?::text[])")
                .append(" AND t.status = u.e_status")
                .append(" AND t.attempts = u.e_attempts AND t.updated = u.e_updated")
                .append(" AND (t.status <> 'Running' OR t.lease_owner = u.e_node OR t.lease_until IS NULL OR t.lease_until < now())")
                .append(" ORDER BY t.id FOR UPDATE OF t").append(skipLocked ? " SKIP LOCKED" : "").append("),")
                .append(" w AS (UPDATE task SET seq = u.seq, status = u.status, idem = u.idem, attempts = u.attempts,")
                .append(" updated = u.updated, version = task.version + 1, writer = u.writer, lease_owner = u.owner,")
                .append(" lease_until = CASE WHEN u.owner IS NULL THEN NULL ELSE now() + u.lease_ms * interval '1 millisecond' END,")
                .append(" json = u.json FROM cur JOIN u ON u.id = cur.id WHERE task.id = cur.id RETURNING task.id, task.version)");
        switch (queue) {
            case ADD -> rest.append(", q AS (INSERT INTO queue (task_id, priority, seq, not_before)")
                    .append(" SELECT u.id, u.priority, u.qseq, u.not_before FROM u JOIN w ON w.id = u.id")
                    .append(" ON CONFLICT (task_id) DO UPDATE SET priority = EXCLUDED.priority, seq = EXCLUDED.seq,")
                    .append(" not_before = EXCLUDED.not_before RETURNING 1)");
            case REMOVE -> rest.append(", q AS (DELETE FROM queue WHERE task_id IN (SELECT id FROM w) RETURNING 1)");
            case KEEP -> { }
        }
        rest.append(" SELECT 1::bigint, version, id FROM w");
        return GroupCommit.SetStatement.over(columns, rest.toString(), "text");
    }

    /** One write's values for {@link #compareAndSetMany}, in its statement's order. */
    static Object[] compareAndSetValues(Task expected, Task next, String json, String node, long leaseMillis,
            QueueChange queue) {
        String owner = next.status() == TaskStatus.Running ? node : null;
        Object[] state = {expected.id(), expected.status().name(), expected.attempts(), String.valueOf(expected.updatedAt()),
                node, next.sequence(), next.status().name(), next.idempotencyKey(), next.attempts(),
                String.valueOf(next.updatedAt()), node, owner, leaseMillis, json};
        int extra = queue == QueueChange.ADD ? 3 : 0;
        Object[] all = java.util.Arrays.copyOf(state, state.length + extra + 1);
        if (queue == QueueChange.ADD) {
            all[state.length] = next.priority();
            all[state.length + 1] = next.sequence();
            all[state.length + 2] = next.nextAttemptAt() == null ? null : next.nextAttemptAt().toString();
        }
        all[all.length - 1] = expected.id(); // the id the rows are looked up by
        return all;
    }

    private static String queueStatement(QueueChange queue) {
        return switch (queue) {
            case ADD -> ", q AS (INSERT INTO queue (task_id, priority, seq, not_before) SELECT id, ?, ?, ? FROM w"
                    + " ON CONFLICT (task_id) DO UPDATE SET priority = EXCLUDED.priority, seq = EXCLUDED.seq,"
                    + " not_before = EXCLUDED.not_before RETURNING 1) SELECT count(*), max(version) FROM w";
            case REMOVE -> ", q AS (DELETE FROM queue WHERE task_id IN (SELECT id FROM w) RETURNING 1) SELECT count(*), max(version) FROM w";
            case KEEP -> " SELECT count(*), max(version) FROM w";
        };
    }

    /** Binds the upsert's parameters from {@code i}; returns the next index. */
    static int bindUpsert(PreparedStatement ps, int i, Task task, String json, String node, long leaseMillis)
            throws SQLException {
        ps.setString(i++, task.id());
        return bindFields(ps, i, task, json, node, leaseMillis);
    }

    /** Binds {@code seq, status, idem, attempts, updated, writer, owner, owner, lease, json}. */
    static int bindFields(PreparedStatement ps, int i, Task task, String json, String node, long leaseMillis)
            throws SQLException {
        String owner = task.status() == TaskStatus.Running ? node : null;
        ps.setLong(i++, task.sequence());
        ps.setString(i++, task.status().name());
        ps.setString(i++, task.idempotencyKey());
        ps.setInt(i++, task.attempts());
        ps.setString(i++, String.valueOf(task.updatedAt()));
        ps.setString(i++, node);
        ps.setString(i++, owner);
        ps.setString(i++, owner);
        ps.setLong(i++, leaseMillis);
        ps.setString(i++, json);
        return i;
    }

    static int bindExpected(PreparedStatement ps, int i, Task expected, String node) throws SQLException {
        ps.setString(i++, expected.id());
        ps.setString(i++, expected.status().name());
        ps.setInt(i++, expected.attempts());
        ps.setString(i++, String.valueOf(expected.updatedAt()));
        ps.setString(i++, node);
        return i;
    }

    static int bindQueue(PreparedStatement ps, int i, Task task, QueueChange queue) throws SQLException {
        if (queue == QueueChange.ADD) {
            ps.setInt(i++, task.priority());
            ps.setLong(i++, task.sequence());
            if (task.nextAttemptAt() == null) {
                ps.setNull(i++, Types.VARCHAR);
            } else {
                ps.setString(i++, task.nextAttemptAt().toString());
            }
        }
        return i;
    }

    static String toJson(Task task) {
        try {
            return JSON.writeValueAsString(task);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot write task " + task.id() + " as JSON: " + e.getMessage(), e);
        }
    }

    static Task fromJson(String json) {
        try {
            return JSON.readValue(json, Task.class);
        } catch (JsonProcessingException e) {
            throw new StorageException("a task row in PostgreSQL is not valid task JSON: " + e.getMessage(), e);
        }
    }
}
