package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live writes of many callers (claims, outcomes, progress, submissions) in one transaction and
 * one flushed commit, the way the filesystem store's journal group-commits its lines. A caller hands
 * in its write and waits; one of a few writer threads takes every write waiting at that moment (up
 * to {@link #MAX_BATCH}), sends them on one connection inside one transaction (a multi-statement
 * query per kind of write, see {@link #transaction}), commits once, and only then answers each
 * caller with its own result. Writes of one kind go as one set-based statement where they have one
 * ({@link SetStatement}: claims and outcomes), else as one multi-statement query.
 *
 * <p>Each write keeps its own outcome: a compare-and-set that loses answers "0 rows" (its own
 * {@code false}) and the others go on; a taken idempotency key is an {@code ON CONFLICT DO NOTHING}
 * that writes nothing for that submission only. A write that raises (a unique violation, a task
 * PostgreSQL refuses) rolls the shared transaction back and the batch runs again one write per
 * transaction, so each caller gets its own answer. A serialization failure or deadlock runs the
 * batch again (it did nothing). When the server is unavailable, or the connection breaks (before,
 * during or after the commit), every caller of the batch is told "unavailable" and settles its write
 * by reading it back, as with a single write whose answer was lost.
 *
 * <p>Within a batch the writes of each kind go in the order of their {@code order} key (a task id;
 * submissions with "" first), so that they lock rows in one order; two batches that write the same
 * two tasks in different kinds can still deadlock, which PostgreSQL breaks and the batch runs
 * again. At most {@link #WAITING} writes wait; a caller beyond that waits to hand
 * its write in.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    static final int MAX_BATCH = 256;
    static final int WAITING = 4_096;
    private static final int TRIES = 8;

    /**
     * One write: one SQL statement that answers one row, its parameters bound from a given index
     * (answering the next one), and what its row means; with {@code together}, it can also go with
     * the other writes of its kind in one set-based statement.
     */
    record Write<T>(String sql, Binder bind, Reader<T> read, Together<T> together) {
        Write(String sql, Binder bind, Reader<T> read) {
            this(sql, bind, read, null);
        }

        /**
         * This write, able to go with the others of {@code statement} as one statement; {@code key}
         * is unique per statement, {@code rows} are its rows of values (a claim has one, a
         * submission one per task).
         */
        Write<T> together(SetStatement statement, String key, Object[][] rows, T absent) {
            return new Write<>(sql, bind, read, new Together<>(statement, key, rows, absent));
        }
    }

    /**
     * A statement doing many writes of one kind at once, over arrays, so that a batch of, say, 64
     * claims costs one statement to parse, plan, execute and answer instead of 64. Parameter k is
     * every write's value k: one array of {@code types[k]} ({@code text}, {@code integer},
     * {@code bigint}), or for {@link #JOINED} one text of the values joined by U+001E (the task's
     * JSON, which the driver would otherwise escape into an array literal; Jackson writes that
     * control character escaped, and a value holding it makes its write go on its own). It answers
     * one row per write it did, read like that write's own statement's answer, with the write's key
     * as its last column; a write without a row gets its {@code absent} answer. The writes of one
     * statement have distinct keys: a second write of one key goes in the next statement.
     */
    record SetStatement(String sql, List<String> types) {
        static final String JOINED = "joined";
        static final char SEPARATOR = '\u001e';

        /**
         * {@code WITH u AS (SELECT * FROM ROWS FROM (unnest(?::type[]), …) AS u(name, …)), rest}:
         * {@code columns} are u's, each "name type", bound in that order; {@code restTypes} are the
         * types of the parameters {@code rest} has after them.
         */
        static SetStatement over(List<String> columns, String rest, String... restTypes) {
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            StringBuilder functions = new StringBuilder();
            for (String column : columns) {
                String[] nameAndType = column.split(" ");
                names.add(nameAndType[0]);
                types.add(nameAndType[1]);
                functions.append(functions.isEmpty() ? "" : ", ").append(nameAndType[1].equals(JOINED)
                        ? "string_to_table(?, chr(30))" : "unnest(?::" + nameAndType[1] + "[])");
            }
            types.addAll(List.of(restTypes));
            return new SetStatement("WITH u AS (SELECT * FROM ROWS FROM (" + functions + ") AS u("
                    + String.join(", ", names) + ")), " + rest, List.copyOf(types));
        }
    }

    /** A write's part of a {@link SetStatement}: its key, its rows of values in the statement's order, its answer when it did nothing. */
    record Together<T>(SetStatement statement, String key, Object[][] rows, T absent) {
        boolean fits() {
            for (Object[] values : rows) {
                for (int k = 0; k < values.length; k++) {
                    if (statement.types().get(k).equals(SetStatement.JOINED) && values[k] instanceof String text
                            && text.indexOf(SetStatement.SEPARATOR) >= 0) {
                        return false;
                    }
                }
            }
            return rows.length > 0;
        }
    }

    interface Binder {
        int bind(PreparedStatement ps, int first) throws SQLException;
    }

    interface Reader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private static final class Pending<T> {
        final String what;
        final String order;
        final Write<T> write;
        /** What it is grouped by: its set-based statement when it can go in one, else its SQL text. */
        final Object kind;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;

        Pending(String what, String order, Write<T> write) {
            this.what = what;
            this.order = order;
            this.write = write;
            this.kind = write.together() != null && write.together().fits() ? write.together().statement() : write.sql();
        }

        int bind(PreparedStatement ps, int first) throws SQLException {
            return write.bind().bind(ps, first);
        }

        void read(ResultSet row) throws SQLException {
            if (!row.next()) {
                throw new SQLException("a write answered no row: " + what);
            }
            result = write.read().read(row);
        }

        /** Its row of a set-based statement's answer, the result set on that row. */
        void readRow(ResultSet row) throws SQLException {
            result = write.read().read(row);
        }

        void absent() {
            result = write.together().absent();
        }

        void answer() {
            done.complete(result);
        }
    }

    private final DataSource pool;
    private final BiFunction<String, SQLException, RuntimeException> failed;
    private final BlockingQueue<Pending<?>> inbox = new ArrayBlockingQueue<>(WAITING);
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param writers how many batches may be in flight at once (each holds one pooled connection
     *                while it runs)
     * @param failed  what a caller is told for a failure of its write (also notes an outage)
     */
    GroupCommit(DataSource pool, int writers, BiFunction<String, SQLException, RuntimeException> failed) {
        this.pool = pool;
        this.failed = failed;
        for (int i = 0; i < writers; i++) {
            this.writers.add(Thread.ofPlatform().daemon().name("postgresql-writer-" + i).start(this::loop));
        }
    }

    /** Runs the write in the next batch; answers once that batch has committed (or throws what it failed with). */
    <T> T run(String what, String order, Write<T> write) {
        Pending<T> pending = new Pending<>(what, order, write);
        if (closed) {
            throw closed();
        }
        boolean interrupted = false;
        while (true) {
            try {
                inbox.put(pending);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (closed && inbox.remove(pending)) {
            throw closed(); // nobody will take it any more
        }
        try {
            return pending.done.join(); // a write handed in is answered: waiting for it is not interruptible
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How many writes wait for a writer (for tests). */
    int waiting() {
        return inbox.size();
    }

    private void loop() {
        List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !inbox.isEmpty()) {
            try {
                Pending<?> first = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                inbox.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) { // a bug; no caller may wait forever for it
                LOG.error("a PostgreSQL write batch failed unexpectedly", e);
                for (Pending<?> pending : batch) {
                    pending.done.completeExceptionally(e);
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending<?>> batch) {
        batch.sort(Comparator.comparing(p -> p.order)); // stable: writes of one task keep their order
        SQLException failure = null;
        for (int tries = 1; tries <= TRIES; tries++) {
            try {
                transaction(batch);
                batch.forEach(Pending::answer);
                return;
            } catch (SQLException e) {
                failure = e;
                if (!SqlFailures.isRetryable(e) || tries == TRIES) {
                    break;
                }
                pause(tries);
            }
        }
        if (batch.size() > 1 && !SqlFailures.isUnavailable(failure) && !SqlFailures.isRetryable(failure)) {
            // one write raised: each on its own, so that only that one fails
            for (Pending<?> pending : batch) {
                commit(new ArrayList<>(List.of(pending)));
            }
            return;
        }
        for (Pending<?> pending : batch) {
            pending.done.completeExceptionally(failed.apply(batch.size() == 1 ? pending.what
                    : pending.what + " (in a batch of " + batch.size() + " writes)", failure));
        }
    }

    /**
     * The batch in one transaction, as few queries as there are kinds of write in it
     * ({@link #steps}): the writes of a kind with a {@link SetStatement} go as one statement, those
     * of another kind (one SQL text) as multi-statement queries ({@code s; s; …}) in chunks of a
     * power of two, so that each query text recurs. The driver then parses each text once per
     * connection and the server prepares and plans it once (after the driver's prepare threshold)
     * instead of for every batch, and a chunk costs one round trip however many writes it holds.
     * A write alone runs as a single autocommitted statement.
     */
    private void transaction(List<Pending<?>> batch) throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (batch.size() == 1) {
                execute(c, batch.get(0).write.sql(), batch);
                return;
            }
            c.setAutoCommit(false);
            try {
                for (Step<Pending<?>> step : steps(batch, p -> p.kind, p -> p.write.together().key())) {
                    if (step.together()) {
                        executeTogether(c, (SetStatement) step.kind(), step.writes());
                    } else {
                        execute(c, repeated(step.writes().get(0).write.sql(), step.writes().size()), step.writes());
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException e) {
                    // a broken connection: the pool drops it
                }
            }
        }
    }

    /** One query of a batch: writes that go as one set-based statement ({@code together}), or a chunk of one SQL text. */
    record Step<P>(Object kind, boolean together, List<P> writes) {}

    /**
     * The batch (sorted by order key) as queries: kinds in the order their first write comes; a
     * kind that is a {@link SetStatement} in rounds of distinct keys (a key's second write goes in
     * the second round, and so on), a round of one write as that write's own statement; any other
     * kind in chunks of 2^k writes, largest first. The writes of one task keep their order, as the
     * sort is stable and one task's writes of one kind stay in one kind's list.
     */
    static <P> List<Step<P>> steps(List<P> batch, Function<P, Object> kind, Function<P, String> key) {
        Map<Object, List<P>> kinds = new LinkedHashMap<>();
        for (P pending : batch) {
            kinds.computeIfAbsent(kind.apply(pending), k -> new ArrayList<>()).add(pending);
        }
        List<Step<P>> steps = new ArrayList<>();
        kinds.forEach((k, writes) -> {
            if (k instanceof SetStatement) {
                for (List<P> round : rounds(writes, key)) {
                    steps.add(new Step<>(k, round.size() > 1, round));
                }
            } else {
                for (List<P> chunk : powerOfTwoChunks(writes)) {
                    steps.add(new Step<>(k, false, chunk));
                }
            }
        });
        return steps;
    }

    /** The writes in rounds of distinct keys: a key's first write in the first round, its second in the second, … */
    private static <P> List<List<P>> rounds(List<P> writes, Function<P, String> key) {
        List<List<P>> rounds = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (P write : writes) {
            int round = seen.merge(key.apply(write), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(write);
        }
        return rounds;
    }

    /** The writes in chunks of 2^k, largest first, in their order. */
    private static <P> List<List<P>> powerOfTwoChunks(List<P> writes) {
        List<List<P>> chunks = new ArrayList<>();
        int from = 0;
        while (from < writes.size()) {
            int size = Integer.highestOneBit(writes.size() - from);
            chunks.add(writes.subList(from, from + size));
            from += size;
        }
        return chunks;
    }

    private static final ConcurrentHashMap<String, String[]> REPEATED = new ConcurrentHashMap<>();

    /** {@code sql} {@code times} times, separated by {@code ;}, made once per text and power of two. */
    private static String repeated(String sql, int times) {
        if (times == 1) {
            return sql;
        }
        String[] bySize = REPEATED.computeIfAbsent(sql, k -> new String[Integer.numberOfTrailingZeros(MAX_BATCH) + 1]);
        int slot = Integer.numberOfTrailingZeros(times);
        String text = bySize[slot];
        if (text == null) {
            StringBuilder all = new StringBuilder(sql.length() * times + 2 * times);
            for (int i = 0; i < times; i++) {
                all.append(i == 0 ? "" : ";\n").append(sql);
            }
            text = all.toString();
            bySize[slot] = text;
        }
        return text;
    }

    private static void execute(Connection c, String sql, List<Pending<?>> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int next = 1;
            for (Pending<?> pending : batch) {
                next = pending.bind(ps, next);
            }
            ps.execute();
            for (int i = 0; i < batch.size(); i++) {
                if (i > 0 && !ps.getMoreResults()) {
                    throw new SQLException("a batch of " + batch.size() + " writes answered " + i + " results");
                }
                try (ResultSet row = ps.getResultSet()) {
                    batch.get(i).read(row);
                }
            }
        }
    }

    /** Writes of distinct keys as one {@link SetStatement}: each answered by its row, or its absent answer. */
    private static void executeTogether(Connection c, SetStatement statement, List<Pending<?>> writes)
            throws SQLException {
        Map<String, Pending<?>> byKey = new HashMap<>(writes.size() * 2);
        List<Object[]> all = new ArrayList<>();
        for (Pending<?> pending : writes) {
            byKey.put(pending.write.together().key(), pending);
            pending.absent();
            all.addAll(java.util.Arrays.asList(pending.write.together().rows()));
        }
        int n = all.size();
        try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
            List<String> types = statement.types();
            for (int k = 0; k < types.size(); k++) {
                String type = types.get(k);
                if (type.equals(SetStatement.JOINED)) {
                    StringBuilder joined = new StringBuilder();
                    for (int i = 0; i < n; i++) {
                        joined.append(i == 0 ? "" : String.valueOf(SetStatement.SEPARATOR)).append((String) all.get(i)[k]);
                    }
                    ps.setString(k + 1, joined.toString());
                    continue;
                }
                Object[] column = switch (type) {
                    case "integer" -> new Integer[n];
                    case "bigint" -> new Long[n];
                    default -> new String[n];
                };
                for (int i = 0; i < n; i++) {
                    column[i] = all.get(i)[k];
                }
                ps.setArray(k + 1, c.createArrayOf(type, column));
            }
            try (ResultSet rows = ps.executeQuery()) {
                int keyColumn = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    Pending<?> pending = byKey.remove(rows.getString(keyColumn));
                    if (pending == null) {
                        throw new SQLException("a set of " + writes.size() + " writes answered a row for no write of it, or twice");
                    }
                    pending.readRow(rows);
                }
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is gone; so is the transaction
        }
    }

    private static void pause(int tries) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << Math.min(tries, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static StorageUnavailableException closed() {
        return new StorageUnavailableException("the PostgreSQL storage is closed");
    }

    /** Commits what was handed in (for at most 5 s), then stops; a write still waiting after that is told "unavailable". */
    @Override
    public void close() {
        closed = true;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread writer : writers) {
            try {
                writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        writers.forEach(Thread::interrupt);
        List<Pending<?>> left = new ArrayList<>();
        inbox.drainTo(left);
        left.forEach(p -> p.done.completeExceptionally(closed()));
    }
}
