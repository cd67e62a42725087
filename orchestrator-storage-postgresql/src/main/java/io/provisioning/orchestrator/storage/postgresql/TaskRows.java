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
