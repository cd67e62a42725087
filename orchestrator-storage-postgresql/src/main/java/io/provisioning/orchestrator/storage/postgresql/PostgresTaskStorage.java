package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.LastRenewal;
import io.provisioning.orchestrator.storage.LeaseStatus;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StatusCounts;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.CanonicalImport;
import io.provisioning.orchestrator.storage.migration.CanonicalTask;
import io.provisioning.orchestrator.storage.migration.StoredContentHashes;
import io.provisioning.orchestrator.storage.migration.StoredJsonScan;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Tasks and queue entries in PostgreSQL (layout: {@link TaskRows}). Every acknowledged write is a
 * committed transaction (the server flushes each commit to its WAL before answering); the live
 * writes of concurrent callers share transactions and commits ({@link GroupCommit}). Several
 * nodes share one database: claims are compare-and-set, Running tasks carry a lease of this node
 * that {@link LeaseRenewal} extends, and each node announces its committed changes
 * ({@link ChangeNotices}) to the others, who follow them with {@code LISTEN} ({@link TaskNotifications}). An unreachable server makes every call fail
 * with {@link StorageUnavailableException} (HTTP 503) until the pool connects again.
 */
public final class PostgresTaskStorage implements TaskStorage, StoredContentHashes, CanonicalImport, StoredJsonScan {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresTaskStorage.class);
    private static final int WRITE_TRIES = 8;

    /**
     * @param where  the server and database, for messages (no credentials)
     * @param nodeId this node, stable across its restarts
     * @param lease  how long a Running task stays this node's without a renewal
     */
    public record Settings(String where, String nodeId, Duration lease) {}

    /** How to open a connection of its own (the listener's), outside the pool. */
    interface Connector {
        Connection open() throws SQLException;
    }

    private final DataSource pool;
    private final Connector connector;
    private final Settings settings;
    private final long leaseMillis;
    private final AutoCloseable onClose;
    private final HealthProbe health;
    private final LeaseRenewal renewal;
    private final int schemaVersion;
    private final LastRenewal lastRenewal;
    private final ChangeNotices notices;
    private final GroupCommit commits;
    private final GroupRead claimReads;
    /** Pending tasks as this node stored them, for claims without a read ({@link #findToClaim}). */
    private final RecentPending recent = new RecentPending(RECENT_PENDING);

    /** How many of the Pending tasks this node stored last are kept for {@link #findToClaim}: a few MiB. */
    static final int RECENT_PENDING = 4_096;

    /** How many write batches are in flight at once when the pool has room: see {@link #writers}. */
    static final int WRITERS = 4;

    PostgresTaskStorage(DataSource pool, Connector connector, Settings settings, AutoCloseable onClose) {
        this(pool, connector, settings, onClose, WRITERS);
    }

    /**
     * {@code writers}: threads that each run one batch of writes at a time ({@link GroupCommit});
     * half as many (at least one) read the rows of claims ({@link GroupRead}).
     */
    PostgresTaskStorage(DataSource pool, Connector connector, Settings settings, AutoCloseable onClose, int writers) {
        this.pool = pool;
        this.connector = connector;
        this.settings = settings;
        this.leaseMillis = settings.lease().toMillis();
        this.onClose = onClose;
        this.health = new HealthProbe(this::probe, this::renewLeasesNow);
        this.schemaVersion = run("create or upgrade the schema", c -> SchemaMigrations.apply(c));
        this.lastRenewal = new LastRenewal(Clock.systemUTC(), settings.lease());
        this.renewal = LeaseRenewal.start(connector, settings.nodeId(), settings.lease(), lastRenewal);
        this.notices = new ChangeNotices(pool, settings.nodeId());
        this.commits = new GroupCommit(pool, writers, this::failed);
        this.claimReads = new GroupRead(pool, Math.max(1, (writers + 1) / 2), this::failed);
    }

    /** Writer threads for a pool of {@code poolSize}: at most {@link #WRITERS}, and half the pool, so reads find connections. */
    static int writers(int poolSize) {
        return Math.max(1, Math.min(WRITERS, poolSize / 2));
    }

    /** Writes waiting for a writer (for tests). */
    int writesWaiting() {
        return commits.waiting();
    }

    @Override
    public String type() {
        return PostgresStorageFactory.TYPE;
    }

    /** The schema version recorded in the database's {@code schema_version} table. */
    @Override
    public java.util.Map<String, Integer> formatVersions() {
        return java.util.Map.of("postgresql-schema", schemaVersion);
    }

    public Settings settings() {
        return settings;
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
        recent.forget(task.id()); // until the write is answered
        String sql = TaskRows.upsert(queue);
        String json = TaskRows.toJson(task);
        long version = commits.run("store task " + task.id(), task.id(), new GroupCommit.Write<>(sql, (ps, first) -> {
            int i = TaskRows.bindUpsert(ps, first, task, json, settings.nodeId(), leaseMillis);
            return TaskRows.bindQueue(ps, i, task, queue);
        }, row -> row.getLong(2)));
        recent.stored(task);
        notices.changed(task.id(), version, json);
    }

    /** One statement: the queue row goes with the task row (ON DELETE CASCADE). */
    @Override
    public boolean delete(String id) {
        recent.forget(id);
        return write("delete task " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM task WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean compareAndSave(Task expected, Task next, QueueChange queue) {
        boolean claim = expected.status() == TaskStatus.Pending;
        String sql = TaskRows.compareAndSet(queue, claim);
        String json = TaskRows.toJson(next);
        recent.forget(next.id()); // until the answer says which state the row has
        long version = commits.run("update task " + next.id(), next.id(), new GroupCommit.Write<>(sql, (ps, first) -> {
            int i = TaskRows.bindExpected(ps, first, expected, settings.nodeId());
            i = TaskRows.bindFields(ps, i, next, json, settings.nodeId(), leaseMillis);
            return TaskRows.bindQueue(ps, i, next, queue);
        }, row -> row.getLong(1) > 0 ? row.getLong(2) : 0L).together(TaskRows.compareAndSetMany(queue, claim), next.id(),
                new Object[][] {TaskRows.compareAndSetValues(expected, next, json, settings.nodeId(), leaseMillis, queue)}, 0L));
        if (version == 0) { // the row is not what this node last wrote: it is read next time
            return false;
        }
        recent.stored(next);
        notices.changed(next.id(), version, json);
        return true;
    }

    /**
     * A Pending task this node stored itself is answered from that copy, and the claim's
     * compare-and-set checks it; any other is read with the other claims' reads of the moment
     * ({@link GroupRead}).
     */
    @Override
    public Optional<Task> findToClaim(String id) {
        Optional<Task> mine = recent.find(id);
        return mine.isPresent() ? mine : claimReads.json(id).map(TaskRows::fromJson);
    }

    @Override
    public void importBatch(List<Task> tasks, Set<String> queued) {
        if (tasks.isEmpty()) {
            return;
        }
        recent.forgetAll(); // a copy replaces rows whatever they held
        write("import " + tasks.size() + " tasks", c -> {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                BulkImport.run(c, tasks, queued, settings.nodeId());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
            return null;
        });
    }

    /** {@link #importBatch} with the tasks' JSON made already: binary COPY into an empty table ({@link BulkImport#runCanonical}). */
    @Override
    public void importCanonical(List<CanonicalTask> tasks, Set<String> queued) {
        if (tasks.isEmpty()) {
            return;
        }
        recent.forgetAll(); // a copy replaces rows whatever they held
        write("import " + tasks.size() + " tasks", c -> {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                BulkImport.runCanonical(c, tasks, queued, settings.nodeId());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
            return null;
        });
    }

    @Override
    public Optional<IdempotencyRecord> saveSubmission(List<Task> tasks, IdempotencyRecord idempotency) {
        String what = "store a submission of " + tasks.size() + " tasks"
                + (idempotency == null ? "" : " under idempotency key " + idempotency.key());
        // in a shared transaction: a taken key writes nothing of this submission and the others go on
        String[] json = tasks.stream().map(TaskRows::toJson).toArray(String[]::new);
        GroupCommit.Write<Boolean> write = new GroupCommit.Write<>(SubmissionRows.sql(idempotency),
                (ps, first) -> SubmissionRows.bind(ps, first, tasks, json, idempotency, settings.nodeId()),
                row -> row.getLong(1) > 0);
        if (idempotency == null && !tasks.isEmpty()) { // with the other submissions of the batch, in one statement
            write = write.together(SubmissionRows.UNKEYED_MANY, tasks.get(0).id(),
                    SubmissionRows.rows(tasks, json, settings.nodeId()), true);
        }
        boolean stored = commits.run(what, "", write);
        Optional<IdempotencyRecord> taken = stored ? Optional.empty() : Optional.of(Submissions.NO_RECORD);
        if (stored) {
            tasks.forEach(recent::stored);
            for (int i = 0; i < json.length; i++) {
                notices.changed(tasks.get(i).id(), 1, json[i]); // new rows: version 1
            }
        }
        if (taken.isEmpty()) {
            return taken;
        }
        // the key was stored by an earlier or a concurrent submission, which has committed by now
        return Optional.of(findIdempotencyRecord(idempotency.key()).orElseThrow(() -> new io.provisioning.orchestrator
                .storage.StorageException("idempotency key " + idempotency.key() + " is taken but its record is gone")));
    }

    @Override
    public Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
        return run("find an idempotency key", c -> Submissions.find(c, key));
    }

    @Override
    public List<IdempotencyRecord> scanIdempotencyRecords(String afterKey, int limit) {
        return run("scan idempotency keys", c -> Submissions.scan(c, afterKey == null ? "" : afterKey, limit));
    }

    @Override
    public void importIdempotencyRecords(List<IdempotencyRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        write("import " + records.size() + " idempotency keys", c -> {
            Submissions.importAll(c, records);
            return null;
        });
    }

    // ---- reads --------------------------------------------------------------------------

    @Override
    public Optional<Task> find(String id) {
        return tasks("read task " + id, "SELECT json FROM task WHERE id = ?", ps -> ps.setString(1, id))
                .stream().findFirst();
    }

    @Override
    public TaskPage list(TaskQuery query) {
        Filter filter = Filter.of(query, true);
        List<Task> page = tasks("list tasks", "SELECT json FROM task" + filter.where() + " ORDER BY seq DESC LIMIT ? OFFSET ?", ps -> {
            int i = filter.bind(ps);
            ps.setInt(i++, query.limit());
            ps.setInt(i, query.offset());
        });
        long total = number("count tasks", "SELECT count(*) FROM task" + filter.where(), filter::bind);
        return new TaskPage(page, total);
    }

    /** One statement, so one snapshot: the counts add up to the filter's total. */
    @Override
    public Map<TaskStatus, Long> countByStatus(TaskQuery query) {
        Filter filter = Filter.of(query, false);
        return run("count tasks per status", c -> {
            Map<TaskStatus, Long> counts = StatusCounts.zeros();
            try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*) FROM task" + filter.where()
                    + " GROUP BY status")) {
                filter.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Optional<TaskStatus> status = TaskStatus.parse(rs.getString(1));
                        if (status.isPresent()) {
                            counts.put(status.get(), rs.getLong(2));
                        }
                    }
                }
            }
            return counts;
        });
    }

    /** A query's conditions as a WHERE clause and the values it binds, in order. */
    private record Filter(String where, List<String> values) {
        static Filter of(TaskQuery query, boolean withStatus) {
            List<String> values = new ArrayList<>();
            List<String> conditions = new ArrayList<>();
            if (withStatus && query.status() != null) {
                conditions.add("status = ?");
                values.add(query.status().name());
            }
            // workflow, infra and dependencies are read from the task's JSON: no column of their own, so no schema change
            if (query.workflow() != null) {
                conditions.add("(json::jsonb ->> 'workflow') = ?");
                values.add(query.workflow());
            }
            if (query.infra() != null) {
                conditions.add("(json::jsonb ->> 'infra') = ?");
                values.add(query.infra());
            }
            if (query.dependsOn() != null) {
                conditions.add("(json::jsonb -> 'dependencies') @> jsonb_build_array(?::text)");
                values.add(query.dependsOn());
            }
            return new Filter(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), values);
        }

        /** Binds the values from parameter 1; answers the next parameter's index. */
        int bind(PreparedStatement ps) throws SQLException {
            int i = 1;
            for (String value : values) {
                ps.setString(i++, value);
            }
            return i;
        }
    }

    @Override
    public List<Task> findUnfinished() {
        return tasks("read unfinished tasks", "SELECT json FROM task WHERE status IN ('Pending', 'Running') ORDER BY seq",
                ps -> { });
    }

    @Override
    public List<String> queuedTaskIds() {
        return run("read the queue", c -> {
            List<String> ids = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT task_id FROM queue")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    @Override
    public Optional<Task> findByIdempotencyKey(String key) {
        return tasks("find an idempotency key", "SELECT json FROM task WHERE idem = ? ORDER BY seq LIMIT 1",
                ps -> ps.setString(1, key)).stream().findFirst();
    }

    @Override
    public long maxSequence() {
        return number("read the highest sequence", "SELECT coalesce(max(seq), 0) FROM task", ps -> { });
    }

    @Override
    public List<Task> scan(long afterSequence, int limit) {
        return tasks("scan tasks", "SELECT json FROM task WHERE seq > ? ORDER BY seq LIMIT ?", ps -> {
            ps.setLong(1, afterSequence);
            ps.setInt(2, limit);
        });
    }

    /** The rows' JSON as the driver receives it (UTF-8), unparsed: a migration's writers parse it. */
    @Override
    public StoredJsonScan.Page scanStoredJson(long afterSequence, int limit) {
        return run("scan tasks", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, json FROM task WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, afterSequence);
                ps.setInt(2, limit);
                List<byte[]> json = new ArrayList<>(limit);
                long last = afterSequence;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getLong(1);
                        json.add(rs.getString(2).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                return new StoredJsonScan.Page(json, last);
            }
        });
    }

    /**
     * The server hashes each row's JSON text (which is {@link TaskRows#toJson}'s canonical form) and
     * streams id and hash back in one query through a cursor, 10,000 rows a fetch: a migration's
     * verification carries 100 bytes a task instead of the task.
     */
    @Override
    public void forEachStoredHash(BiConsumer<String, String> idAndHash) {
        run("hash the stored tasks", c -> {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // the driver fetches through a cursor only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, encode(sha256(convert_to(json, 'UTF8')), 'hex') FROM task")) {
                ps.setFetchSize(10_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        idAndHash.accept(rs.getString(1), rs.getString(2));
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
            return null;
        });
    }

    @Override
    public long count() {
        return number("count tasks", "SELECT count(*) FROM task", ps -> { });
    }

    // ---- several nodes ------------------------------------------------------------------

    @Override
    public boolean isShared() {
        return true;
    }

    @Override
    public List<Task> findOrphaned(boolean atStart) {
        return tasks("find orphaned tasks", "SELECT json FROM task WHERE status = 'Running' AND (lease_until IS NULL"
                + " OR lease_until < now() OR (? AND lease_owner = ?)) ORDER BY seq", ps -> {
                    ps.setBoolean(1, atStart);
                    ps.setString(2, settings.nodeId());
                });
    }

    /** Extends the leases of every task this node runs; returns how many. */
    int renewLeases() {
        java.time.Instant sent = lastRenewal.sending();
        int renewed = write("renew leases", c -> {
            try (PreparedStatement ps = c.prepareStatement(LeaseRenewal.RENEW)) {
                ps.setLong(1, leaseMillis);
                ps.setString(2, settings.nodeId());
                return ps.executeUpdate();
            }
        });
        lastRenewal.succeeded(sent);
        return renewed;
    }

    @Override
    public Optional<LeaseStatus> leaseStatus() {
        return Optional.of(lastRenewal.status());
    }

    /** Leases lapse while the server is away; this node's tasks are its own again as soon as it is back. */
    private void renewLeasesNow() {
        try {
            LOG.info("PostgreSQL is back; renewed the leases of {} running tasks", renewLeases());
        } catch (RuntimeException e) {
            LOG.warn("cannot renew leases after PostgreSQL came back: {}", e.getMessage());
        }
    }

    @Override
    public AutoCloseable watchOtherNodes(Consumer<Task> changed) {
        return TaskNotifications.start(connector, this, settings.nodeId(), changed);
    }

    /** The current rows of these tasks, for {@link TaskNotifications}: id, version, writer, json. */
    List<TaskNotifications.Row> rows(List<String> ids) {
        return run("read changed tasks", c -> {
            List<TaskNotifications.Row> rows = new ArrayList<>(ids.size());
            try (PreparedStatement ps = c.prepareStatement("SELECT id, version, writer, json FROM task WHERE id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new TaskNotifications.Row(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
                    }
                }
            }
            return rows;
        });
    }

    @Override
    public void checkHealth() {
        health.check();
    }

    private void probe() {
        run("check the connection", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            }
            return null;
        });
    }

    @Override
    public void close() {
        commits.close();
        claimReads.close();
        notices.close();
        renewal.close();
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                LOG.warn("closing PostgreSQL storage: {}", e.getMessage());
            }
        }
    }

    // ---- plumbing -----------------------------------------------------------------------

    interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Task> tasks(String what, String sql, Binder binder) {
        return run(what, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                List<Task> tasks = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tasks.add(TaskRows.fromJson(rs.getString(1)));
                    }
                }
                return tasks;
            }
        });
    }

    private long number(String what, String sql, Binder binder) {
        return run(what, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Runs a write, again after a serialization failure or deadlock (the transaction did nothing). */
    private <T> T write(String what, Work<T> work) {
        for (int tries = 1; ; tries++) {
            try {
                return attempt(work);
            } catch (SQLException e) {
                if (SqlFailures.isRetryable(e) && tries < WRITE_TRIES) {
                    pause(tries);
                    continue;
                }
                throw failed(what, e);
            }
        }
    }

    private <T> T run(String what, Work<T> work) {
        try {
            return attempt(work);
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    private <T> T attempt(Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return work.on(c);
        }
    }

    private RuntimeException failed(String what, SQLException e) {
        if (SqlFailures.isUnavailable(e)) {
            health.lost();
        }
        return SqlFailures.map(what, settings.where(), e);
    }

    private static void pause(int tries) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << Math.min(tries, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while retrying a write");
        }
    }
}
