package io.provisioning.orchestrator.storage.surrealdb;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.storage.DuplicateSequenceException;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.LastRenewal;
import io.provisioning.orchestrator.storage.LeaseStatus;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StatusCounts;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.surrealdb.rpc.QueryResult;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealClient;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealException;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealStatementException;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealUnavailableException;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks and queue entries in SurrealDB (layout: {@link TaskRecords}). Every acknowledged write has
 * been committed by the engine, which syncs each commit to disk. Writes that meet a transaction
 * conflict are run again; an unreachable database makes every call fail with
 * {@link StorageUnavailableException} (HTTP 503) until the client has reconnected.
 *
 * <p>Shared ({@code surrealdb-server}): claims are compare-and-set, Running tasks carry a lease of
 * this node that {@link LeaseRenewal} extends, and other nodes' changes arrive through a live query.
 */
public final class SurrealTaskStorage implements TaskStorage {
    private static final Logger LOG = LoggerFactory.getLogger(SurrealTaskStorage.class);
    private static final int WRITE_TRIES = 12;

    /**
     * @param type    the {@code --storage-type} this store answers to
     * @param shared  several nodes may use the database at once (leases, live changes)
     * @param nodeId  this node, stable across its restarts
     * @param lease   how long a Running task stays this node's without a renewal
     */
    public record Settings(String type, boolean shared, String nodeId, Duration lease) {}

    private final SurrealClient client;
    private final Settings settings;
    private final String leaseText;
    private final AutoCloseable onClose;
    private final LeaseRenewal renewal;
    private final LastRenewal lastRenewal;

    /** Defines the tables and indexes if they are missing; {@code onClose} runs after the client closes (the embedded engine). */
    public SurrealTaskStorage(SurrealClient client, Settings settings, AutoCloseable onClose) {
        this.client = client;
        this.settings = settings;
        this.leaseText = settings.lease().toMillis() + "ms";
        this.onClose = onClose;
        refuseNewerSchema();
        this.lastRenewal = new LastRenewal(Clock.systemUTC(), settings.lease());
        write("define the schema", () -> client.query(TaskRecords.SCHEMA, Map.of()));
        fillFilterFields(); // the upgrade from schema version 1; only then is version 2 recorded
        write("record the schema version", () -> client.query(TaskRecords.RAISE_SCHEMA_VERSION,
                Map.of("v", TaskRecords.SCHEMA_VERSION)));
        this.renewal = settings.shared() ? LeaseRenewal.start(this, settings.lease()) : null;
        if (settings.shared()) {
            client.addConnectionListener(new RenewLeasesOnReconnect());
        }
    }

    /** Leases lapse while the database is away; this node's tasks are its own again as soon as it is back. */
    private final class RenewLeasesOnReconnect implements io.provisioning.orchestrator.storage.surrealdb.rpc.ConnectionListener {
        @Override
        public void disconnected(Throwable cause) {
            // requests fail meanwhile; the workers pause on the health check
        }

        @Override
        public void reconnected() {
            try {
                LOG.info("SurrealDB is back; renewed the leases of {} running tasks", renewLeases());
            } catch (StorageException e) {
                LOG.warn("cannot renew leases after reconnecting: {}", e.getMessage());
            }
        }
    }

    @Override
    public String type() {
        return settings.type();
    }

    /** The schema version the database records in {@code meta:format} ({@link TaskRecords#SCHEMA_VERSION}). */
    @Override
    public Map<String, Integer> formatVersions() {
        return Map.of("surrealdb-schema", TaskRecords.SCHEMA_VERSION);
    }

    /**
     * A database that another build marked with a newer schema version is refused before anything is
     * defined or written; one without the mark is today's layout, version 1, and is marked by {@link TaskRecords#SCHEMA}.
     */
    private void refuseNewerSchema() {
        JsonNode found = read("read the schema version", TaskRecords.SCHEMA_VERSION_QUERY, Map.of());
        if (found != null && found.canConvertToInt() && found.asInt() > TaskRecords.SCHEMA_VERSION) {
            throw new io.provisioning.orchestrator.format.UnsupportedFormatException("the SurrealDB database holds "
                    + "schema version " + found.asInt() + " (meta:format), newer than this orchestrator ("
                    + io.provisioning.orchestrator.OrchestratorVersion.current() + ") knows (" + TaskRecords.SCHEMA_VERSION
                    + "): start an orchestrator release that knows version " + found.asInt() + " on it, or restore the "
                    + "database from the export taken before the upgrade (docs/OPERATIONS.md); nothing was changed");
        }
    }

    public Settings settings() {
        return settings;
    }

    SurrealClient client() {
        return client;
    }

    // ---- writes -------------------------------------------------------------------------

    @Override
    public void save(Task task) {
        plainWrite(task, QueueChange.KEEP);
    }

    @Override
    public void saveAndEnqueue(Task task) {
        plainWrite(task, QueueChange.ADD);
    }

    @Override
    public void saveAndDequeue(Task task) {
        plainWrite(task, QueueChange.REMOVE);
    }

    private void plainWrite(Task task, QueueChange queue) {
        String sql = queue == QueueChange.KEEP ? TaskRecords.UPSERT
                : "BEGIN TRANSACTION; " + TaskRecords.UPSERT + " " + TaskRecords.queueStatement(queue) + " COMMIT TRANSACTION;";
        Map<String, Object> vars = TaskRecords.vars(task, settings.nodeId(), owner(), leaseText);
        write("store task " + task.id(), () -> client.query(sql, vars));
    }

    /** The task record and its queue entry in one transaction. */
    @Override
    public boolean delete(String id) {
        String sql = "BEGIN TRANSACTION; LET $gone = (DELETE type::record('task', $id) RETURN BEFORE); "
                + TaskRecords.DEQUEUE + " COMMIT TRANSACTION; RETURN array::len($gone) > 0;";
        return write("delete task " + id, () -> client.query(sql, Map.of("id", id))).last().asBoolean();
    }

    @Override
    public boolean compareAndSave(Task expected, Task next, QueueChange queue) {
        String queueOp = TaskRecords.queueStatement(queue);
        String sql = "BEGIN TRANSACTION; " + TaskRecords.COMPARE_AND_SET
                + (queueOp.isEmpty() ? "" : " IF array::len($hit) > 0 { " + queueOp + " };")
                + " COMMIT TRANSACTION; RETURN array::len($hit) > 0;";
        Map<String, Object> vars = TaskRecords.vars(next, settings.nodeId(), owner(), leaseText);
        TaskRecords.expect(vars, expected, settings.shared());
        return write("update task " + next.id(), () -> client.query(sql, vars)).last().asBoolean();
    }

    @Override
    public void importBatch(List<Task> tasks, Set<String> queued) {
        if (tasks.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>(tasks.size());
        List<Map<String, Object>> queueRows = new ArrayList<>();
        List<String> unqueued = new ArrayList<>();
        for (Task task : tasks) {
            rows.add(TaskRecords.importRow(task, settings.nodeId()));
            if (queued.contains(task.id())) {
                queueRows.add(TaskRecords.importQueueRow(task));
            } else {
                unqueued.add(task.id());
            }
        }
        Map<String, Object> vars = Map.of("tasks", rows, "queued", queueRows, "unqueued", unqueued);
        write("import " + tasks.size() + " tasks", () -> client.query(
                "BEGIN TRANSACTION; " + TaskRecords.IMPORT + " COMMIT TRANSACTION;", vars, Duration.ofMinutes(2)));
    }

    @Override
    public Optional<IdempotencyRecord> saveSubmission(List<Task> tasks, IdempotencyRecord idempotency) {
        List<Map<String, Object>> rows = new ArrayList<>(tasks.size());
        List<Map<String, Object>> queueRows = new ArrayList<>(tasks.size());
        for (Task task : tasks) {
            rows.add(TaskRecords.importRow(task, settings.nodeId()));
            queueRows.add(TaskRecords.importQueueRow(task));
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("tasks", rows);
        vars.put("queued", queueRows);
        if (idempotency == null) {
            write("store a submission of " + tasks.size() + " tasks", () -> client.query(TaskRecords.SUBMIT, vars));
            return Optional.empty();
        }
        vars.put("key", idempotency.key());
        vars.put("record", TaskRecords.toJson(idempotency));
        String what = "store a submission of " + tasks.size() + " tasks under idempotency key " + idempotency.key();
        try {
            JsonNode taken = write(what, () -> client.query(TaskRecords.SUBMIT_WITH_KEY, vars)).last();
            return taken == null || taken.isNull() || taken.isMissingNode() ? Optional.empty()
                    : Optional.of(TaskRecords.recordFromJson(taken));
        } catch (StorageException e) {
            if (e instanceof StorageUnavailableException || !String.valueOf(e.getMessage()).contains("already exists")) {
                throw e;
            }
            // another node created the key between this transaction's read and its write
            return Optional.of(findIdempotencyRecord(idempotency.key()).orElseThrow(() -> e));
        }
    }

    @Override
    public Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
        JsonNode json = read("find an idempotency key",
                "SELECT VALUE json FROM ONLY type::record('idempotency', $key)", Map.of("key", key));
        return json == null || json.isNull() || json.isMissingNode() ? Optional.empty()
                : Optional.of(TaskRecords.recordFromJson(json));
    }

    @Override
    public List<IdempotencyRecord> scanIdempotencyRecords(String afterKey, int limit) {
        JsonNode rows = read("scan idempotency keys", "SELECT json, record::id(id) AS key FROM idempotency"
                + " WHERE record::id(id) > $after ORDER BY key LIMIT $limit",
                Map.of("after", afterKey == null ? "" : afterKey, "limit", limit));
        List<IdempotencyRecord> records = new ArrayList<>(rows.size());
        for (JsonNode row : rows) {
            records.add(TaskRecords.recordFromJson(row.get("json")));
        }
        return records;
    }

    @Override
    public void importIdempotencyRecords(List<IdempotencyRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>(records.size());
        for (IdempotencyRecord record : records) {
            rows.add(Map.of("key", record.key(), "json", TaskRecords.toJson(record)));
        }
        write("import " + records.size() + " idempotency keys", () -> client.query("BEGIN TRANSACTION; "
                + "FOR $r IN $records { UPSERT type::record('idempotency', $r.key) SET json = $r.json RETURN NONE; }; "
                + "COMMIT TRANSACTION;", Map.of("records", rows), Duration.ofMinutes(2)));
    }

    private String owner() {
        return settings.shared() ? settings.nodeId() : null;
    }

    /** Runs a write, again after a transaction conflict; maps errors to the storage exceptions. */
    private QueryResult write(String what, Supplier<QueryResult> attempt) {
        for (int tries = 1; ; tries++) {
            QueryResult result = call(what, attempt);
            SurrealStatementException error = result.firstRealError();
            if (error == null) {
                return result;
            }
            if (error.isRetryable() && tries < WRITE_TRIES) {
                pause(tries);
                continue;
            }
            if (error.isUniqueViolation() && error.detail().contains("task_seq")) {
                throw new DuplicateSequenceException("cannot " + what + ": " + error.detail());
            }
            throw new StorageException("SurrealDB refused to " + what + ": " + error.detail(), error);
        }
    }

    private static void pause(int tries) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << Math.min(tries, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while retrying a write");
        }
    }

    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (SurrealUnavailableException e) {
            throw new StorageUnavailableException("SurrealDB is unavailable (" + e.getMessage() + ")", e);
        } catch (SurrealException e) {
            throw new StorageException("cannot " + what + " in SurrealDB: " + e.getMessage(), e);
        }
    }

    private JsonNode read(String what, String sql, Map<String, Object> vars) {
        return call(what, () -> {
            QueryResult result = client.query(sql, vars);
            SurrealStatementException error = result.firstRealError();
            if (error != null) {
                throw error;
            }
            return result.get(result.size() - 1).result();
        });
    }

    // ---- reads --------------------------------------------------------------------------

    @Override
    public Optional<Task> find(String id) {
        JsonNode json = read("read task " + id, "SELECT VALUE json FROM ONLY type::record('task', $id)", Map.of("id", id));
        return json == null || json.isNull() || json.isMissingNode() ? Optional.empty() : Optional.of(TaskRecords.fromJson(json));
    }

    @Override
    public TaskPage list(TaskQuery query) {
        Map<String, Object> vars = new HashMap<>();
        String where = where(query, true, vars);
        vars.put("limit", query.limit());
        vars.put("start", query.offset());
        JsonNode rows = read("list tasks", "SELECT json, rseq FROM task" + where + " ORDER BY rseq LIMIT $limit START $start",
                vars);
        JsonNode count = read("count tasks", "SELECT count() FROM task" + where + " GROUP ALL", vars);
        return new TaskPage(tasks(rows), count.path(0).path("count").asLong(0));
    }

    /** One statement, so one snapshot: the counts add up to the filter's total. */
    @Override
    public Map<TaskStatus, Long> countByStatus(TaskQuery query) {
        Map<String, Object> vars = new HashMap<>();
        JsonNode rows = read("count tasks per status",
                "SELECT status, count() AS n FROM task" + where(query, false, vars) + " GROUP BY status", vars);
        Map<TaskStatus, Long> counts = StatusCounts.zeros();
        for (JsonNode row : rows) {
            TaskStatus.parse(row.path("status").asText()).ifPresent(status -> counts.put(status, row.path("n").asLong(0)));
        }
        return counts;
    }

    /** A query's conditions as a WHERE clause; their values go into {@code vars}. */
    private static String where(TaskQuery query, boolean withStatus, Map<String, Object> vars) {
        List<String> conditions = new ArrayList<>();
        if (withStatus && query.status() != null) {
            conditions.add("status = $status");
            vars.put("status", query.status().name());
        }
        if (query.workflow() != null) {
            conditions.add("workflow = $workflow");
            vars.put("workflow", query.workflow());
        }
        if (query.infra() != null) {
            conditions.add("infra = $infra");
            vars.put("infra", query.infra());
        }
        if (query.dependsOn() != null) {
            conditions.add("deps CONTAINS $depends_on");
            vars.put("depends_on", query.dependsOn());
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Gives records of an older store their {@code workflow}, {@code infra} and {@code deps} fields (see {@link TaskRecords#UNFILTERED}). */
    private void fillFilterFields() {
        for (;;) {
            JsonNode unfilled = read("find tasks without filter fields", TaskRecords.UNFILTERED, Map.of());
            if (!unfilled.isArray() || unfilled.isEmpty()) {
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode row : unfilled) {
                Task task = TaskRecords.fromJson(row.path("json"));
                rows.add(Map.of("id", row.path("id").asText(), "workflow", TaskRecords.filterValue(task.workflow()),
                        "infra", TaskRecords.filterValue(task.infra()), "deps", task.dependencies()));
            }
            write("fill the filter fields", () -> client.query(TaskRecords.BACKFILL_FILTERS, Map.of("rows", rows)));
        }
    }

    @Override
    public List<Task> findUnfinished() {
        return tasks(read("read unfinished tasks",
                "SELECT json, seq FROM task WHERE status IN ['Pending', 'Running'] ORDER BY seq", Map.of()));
    }

    @Override
    public List<String> queuedTaskIds() {
        List<String> ids = new ArrayList<>();
        read("read the queue", "SELECT VALUE task FROM queue", Map.of()).forEach(n -> ids.add(n.asText()));
        return ids;
    }

    @Override
    public Optional<Task> findByIdempotencyKey(String key) {
        JsonNode rows = read("find an idempotency key", "SELECT json FROM task WHERE idem = $key LIMIT 1", Map.of("key", key));
        return tasks(rows).stream().findFirst();
    }

    @Override
    public long maxSequence() {
        return read("read the highest sequence", "SELECT seq, rseq FROM task ORDER BY rseq LIMIT 1", Map.of())
                .path(0).path("seq").asLong(0);
    }

    @Override
    public List<Task> scan(long afterSequence, int limit) {
        return tasks(read("scan tasks", "SELECT json, seq FROM task WHERE seq > $after ORDER BY seq LIMIT $limit",
                Map.of("after", afterSequence, "limit", limit)));
    }

    @Override
    public long count() {
        return read("count tasks", "SELECT count() FROM task GROUP ALL", Map.of()).path(0).path("count").asLong(0);
    }

    private static List<Task> tasks(JsonNode rows) {
        List<Task> tasks = new ArrayList<>(rows.size());
        for (JsonNode row : rows) {
            tasks.add(TaskRecords.fromJson(row.get("json")));
        }
        return tasks;
    }

    // ---- several nodes ------------------------------------------------------------------

    @Override
    public boolean isShared() {
        return settings.shared();
    }

    @Override
    public List<Task> findOrphaned(boolean atStart) {
        if (!settings.shared()) {
            return TaskStorage.super.findOrphaned(atStart);
        }
        return tasks(read("find orphaned tasks", "SELECT json FROM task WHERE status = 'Running' AND "
                + "(lease_until = NONE OR lease_until < time::now() OR ($at_start AND lease_owner = $node))",
                Map.of("at_start", atStart, "node", settings.nodeId())));
    }

    /**
     * Extends the leases of every task this node runs; returns how many. It touches every Running
     * task of this node, so under load it meets transaction conflicts: those are tried again, as a
     * lease that is not renewed lets another node take a running task over.
     */
    int renewLeases() {
        Map<String, Object> vars = Map.of("lease", leaseText, "node", settings.nodeId());
        java.time.Instant sent = lastRenewal.sending();
        QueryResult result = write("renew leases", () -> client.query("UPDATE task SET lease_until = time::now() + "
                + "<duration>$lease WHERE status = 'Running' AND lease_owner = $node RETURN VALUE id", vars));
        lastRenewal.succeeded(sent);
        JsonNode renewed = result.get(result.size() - 1).result();
        return renewed == null ? 0 : renewed.size();
    }

    @Override
    public Optional<LeaseStatus> leaseStatus() {
        return settings.shared() ? Optional.of(lastRenewal.status()) : Optional.empty();
    }

    @Override
    public AutoCloseable watchOtherNodes(Consumer<Task> changed) {
        if (!settings.shared()) {
            return TaskStorage.super.watchOtherNodes(changed);
        }
        return call("watch tasks", () -> TaskWatch.start(client, settings.nodeId(), changed));
    }

    @Override
    public void checkHealth() {
        if (!client.isConnected()) {
            throw new StorageUnavailableException("SurrealDB at " + client.options().url() + " is unreachable: "
                    + client.lastFailure());
        }
    }

    @Override
    public void close() {
        if (renewal != null) {
            renewal.close();
        }
        client.close();
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                LOG.warn("closing SurrealDB storage: {}", e.getMessage());
            }
        }
    }
}
