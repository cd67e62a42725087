package io.provisioning.orchestrator.storage.surrealdb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a task is kept in SurrealDB. Record {@code task:⟨uuid⟩} holds the task JSON as written by
 * {@link Json#mapper()} in {@code json} (a string: the engine stores and returns it four times
 * faster than the same JSON as an object, and it comes back byte for byte), next to the fields
 * queries need: {@code status}, {@code seq} and {@code rseq = -seq} (indexed, so newest-first is
 * an index scan), {@code idem}, {@code attempts} and {@code updated} (the compare-and-set key),
 * {@code version} (+1 per write, to order live notifications), {@code writer} (the node that
 * wrote it) and, while it runs on a node of a shared store, {@code lease_owner} and
 * {@code lease_until}. Record {@code queue:⟨uuid⟩} is the task's queue entry.
 */
final class TaskRecords {
    private static final ObjectMapper JSON = Json.mapper();

    /**
     * The layout below; {@code meta:format.schema_version} records it in the database. Version 1: the
     * task, queue and idempotency tables; version 2: task records also carry {@code workflow},
     * {@code infra} and {@code deps} (filled for version 1 records at open, then the version is raised).
     */
    static final int SCHEMA_VERSION = 2;

    /** Raises the recorded version once the records are in its layout; never lowers it. */
    static final String RAISE_SCHEMA_VERSION = "UPDATE meta:format SET schema_version = $v WHERE schema_version < $v RETURN NONE;";

    /** The recorded version, or NONE; the engine refuses a select from a table never defined, so ask first. */
    static final String SCHEMA_VERSION_QUERY = "IF (INFO FOR DB).tables.meta = NONE { NONE } "
            + "ELSE { (SELECT VALUE schema_version FROM ONLY meta:format) };";

    static final String SCHEMA = """
            DEFINE TABLE IF NOT EXISTS meta SCHEMALESS;
            IF (SELECT VALUE schema_version FROM ONLY meta:format) = NONE { CREATE meta:format SET schema_version = 1 RETURN NONE; };
            DEFINE TABLE IF NOT EXISTS task SCHEMALESS;
            DEFINE INDEX IF NOT EXISTS task_seq ON task FIELDS seq UNIQUE;
            DEFINE INDEX IF NOT EXISTS task_rseq ON task FIELDS rseq;
            DEFINE INDEX IF NOT EXISTS task_status ON task FIELDS status;
            DEFINE INDEX IF NOT EXISTS task_idem ON task FIELDS idem;
            DEFINE INDEX IF NOT EXISTS task_workflow ON task FIELDS workflow;
            DEFINE INDEX IF NOT EXISTS task_infra ON task FIELDS infra;
            DEFINE INDEX IF NOT EXISTS task_deps ON task FIELDS deps;
            DEFINE TABLE IF NOT EXISTS queue SCHEMALESS;
            DEFINE TABLE IF NOT EXISTS idempotency SCHEMALESS;
            """;

    /** The fields of a task record, as SET assignments over the variables of {@link #vars}. */
    private static final String FIELDS = "json = $json, status = $status, seq = $seq, rseq = -$seq, idem = $idem, "
            + "workflow = $workflow, infra = $infra, deps = $deps, "
            + "attempts = $attempts, updated = $updated, version += 1, writer = $node, lease_owner = $owner, "
            + "lease_until = IF $owner THEN time::now() + <duration>$lease ELSE NONE END";

    static final String UPSERT = "UPSERT type::record('task', $id) SET " + FIELDS + " RETURN NONE;";

    static final String ENQUEUE = "UPSERT type::record('queue', $id) SET task = $id, priority = $priority, seq = $seq, "
            + "not_before = $not_before RETURN NONE;";

    static final String DEQUEUE = "DELETE type::record('queue', $id) RETURN NONE;";

    /**
     * Compare-and-set: the update matches only while the stored task is still the expected one;
     * a Running task of a shared store only for its lease holder, or once its lease lapsed.
     */
    static final String COMPARE_AND_SET = "LET $hit = (UPDATE type::record('task', $id) SET " + FIELDS
            + " WHERE status = $exp_status AND attempts = $exp_attempts AND updated = $exp_updated"
            + " AND (status != 'Running' OR !$shared OR lease_owner = $node OR lease_until < time::now())"
            + " RETURN VALUE id);";

    /**
     * Many tasks in a few statements rather than one per task (a per-row loop ran at two thirds of
     * the speed): new records in one INSERT, records already there replaced one by one (an INSERT
     * that meets an existing id trips the unique index on {@code seq} before it sees the duplicate
     * id), queue entries put and removed in bulk. {@code $tasks} and {@code $queued} are rows of
     * {@link #importRow} and {@link #importQueueRow}, {@code $unqueued} the ids whose entry must go.
     */
    static final String IMPORT = """
            LET $have = (SELECT VALUE record::id(id) FROM $tasks.map(|$r| type::record('task', $r.id)));
            INSERT INTO task $tasks.filter(|$r| $r.id NOT IN $have) RETURN NONE;
            FOR $r IN $tasks.filter(|$r| $r.id IN $have) {
                UPSERT type::record('task', $r.id) SET json = $r.json, status = $r.status, seq = $r.seq, rseq = $r.rseq,
                    idem = $r.idem, workflow = $r.workflow, infra = $r.infra, deps = $r.deps, attempts = $r.attempts, updated = $r.updated,
                    version += 1, writer = $r.writer,
                    lease_owner = NONE, lease_until = NONE RETURN NONE;
            };
            INSERT INTO queue $queued ON DUPLICATE KEY UPDATE priority = $input.priority, seq = $input.seq,
                not_before = $input.not_before RETURN NONE;
            DELETE $unqueued.map(|$id| type::record('queue', $id)) RETURN NONE;
            """;

    /**
     * A whole submission in one transaction: its tasks and their queue entries (rows of
     * {@link #importRow} and {@link #importQueueRow}) and, under {@code $key}, its idempotency
     * record {@code idempotency:⟨key⟩}. The key is the record id, so it is unique in the database:
     * when it is already there nothing is written and the stored record's JSON is answered; two
     * nodes creating it at once conflict, and the one run again finds it there.
     */
    static final String SUBMIT_WITH_KEY = """
            BEGIN TRANSACTION;
            LET $taken = (SELECT VALUE json FROM ONLY type::record('idempotency', $key));
            IF $taken = NONE {
                CREATE type::record('idempotency', $key) SET json = $record RETURN NONE;
                INSERT INTO task $tasks RETURN NONE;
                INSERT INTO queue $queued RETURN NONE;
            };
            COMMIT TRANSACTION;
            RETURN $taken;
            """;

    static final String SUBMIT = """
            BEGIN TRANSACTION;
            INSERT INTO task $tasks RETURN NONE;
            INSERT INTO queue $queued RETURN NONE;
            COMMIT TRANSACTION;
            """;

    private TaskRecords() {}

    static String queueStatement(QueueChange queue) {
        return switch (queue) {
            case ADD -> ENQUEUE;
            case REMOVE -> DEQUEUE;
            case KEEP -> "";
        };
    }

    /**
     * Records written before {@code workflow}, {@code infra} and {@code deps} (the task's
     * dependencies) were fields of their own (read by {@link SurrealTaskStorage}'s list filter) get
     * them from their JSON, a batch at a time. {@code $rows}: {@code {id, workflow, infra, deps}}.
     * The version stays: the task did not change.
     */
    static final String UNFILTERED = "SELECT record::id(id) AS id, json FROM task WHERE deps = NONE LIMIT 500";
    static final String BACKFILL_FILTERS = "FOR $r IN $rows { UPDATE type::record('task', $r.id) SET workflow = $r.workflow,"
            + " infra = $r.infra, deps = $r.deps RETURN NONE; };";

    /** A missing workflow or infra is stored as "" (a value no filter accepts), so that "not yet filled" stays NONE. */
    static String filterValue(String value) {
        return value == null ? "" : value;
    }

    /** Variables for {@link #UPSERT}, {@link #ENQUEUE} and {@link #COMPARE_AND_SET}. */
    static Map<String, Object> vars(Task task, String node, String owner, String lease) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("id", task.id());
        vars.put("json", toJson(task));
        vars.put("status", task.status().name());
        vars.put("seq", task.sequence());
        vars.put("idem", task.idempotencyKey());
        vars.put("workflow", filterValue(task.workflow()));
        vars.put("infra", filterValue(task.infra()));
        vars.put("deps", task.dependencies());
        vars.put("attempts", task.attempts());
        vars.put("updated", String.valueOf(task.updatedAt()));
        vars.put("node", node);
        vars.put("owner", task.status() == TaskStatus.Running ? owner : null);
        vars.put("lease", lease);
        vars.put("priority", task.priority());
        vars.put("not_before", task.nextAttemptAt() == null ? null : task.nextAttemptAt().toString());
        return vars;
    }

    static void expect(Map<String, Object> vars, Task expected, boolean shared) {
        vars.put("exp_status", expected.status().name());
        vars.put("exp_attempts", expected.attempts());
        vars.put("exp_updated", String.valueOf(expected.updatedAt()));
        vars.put("shared", shared);
    }

    /** One task row for {@link #IMPORT}; a new record starts at version 1, as an upsert's {@code version += 1} would. */
    static Map<String, Object> importRow(Task task, String node) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", task.id());
        row.put("json", toJson(task));
        row.put("status", task.status().name());
        row.put("seq", task.sequence());
        row.put("rseq", -task.sequence());
        row.put("idem", task.idempotencyKey());
        row.put("workflow", filterValue(task.workflow()));
        row.put("infra", filterValue(task.infra()));
        row.put("deps", task.dependencies());
        row.put("attempts", task.attempts());
        row.put("updated", String.valueOf(task.updatedAt()));
        row.put("version", 1);
        row.put("writer", node);
        return row;
    }

    /** One queue row for {@link #IMPORT}, as {@link #ENQUEUE} writes it. */
    static Map<String, Object> importQueueRow(Task task) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", task.id());
        row.put("task", task.id());
        row.put("priority", task.priority());
        row.put("seq", task.sequence());
        row.put("not_before", task.nextAttemptAt() == null ? null : task.nextAttemptAt().toString());
        return row;
    }

    static String toJson(Task task) {
        try {
            return JSON.writeValueAsString(task);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot write task " + task.id() + " as JSON: " + e.getMessage(), e);
        }
    }

    static String toJson(IdempotencyRecord record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot write idempotency record " + record.key() + " as JSON: " + e.getMessage(), e);
        }
    }

    static IdempotencyRecord recordFromJson(JsonNode json) {
        try {
            return JSON.readValue(json.asText(), IdempotencyRecord.class);
        } catch (JsonProcessingException e) {
            throw new StorageException("an idempotency record in SurrealDB is not valid JSON: " + e.getMessage(), e);
        }
    }

    static Task fromJson(JsonNode json) {
        try {
            return JSON.readValue(json.asText(), Task.class);
        } catch (JsonProcessingException e) {
            throw new StorageException("a task record in SurrealDB is not valid task JSON: " + e.getMessage(), e);
        }
    }
}
