package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live writes of many callers (claims, outcomes, progress, submissions) in one transaction and
 * one flushed commit, the way the filesystem store's journal group-commits its lines. A caller hands
 * in its write and waits; one of a few writer threads takes every write waiting at that moment (up
 * to {@link #MAX_BATCH}), sends them on one connection inside one transaction (a multi-statement
 * query per kind of write, see {@link #transaction}), commits once, and only then answers each
 * caller with its own result.
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
     * (answering the next one), and what its row means.
     */
    record Write<T>(String sql, Binder bind, Reader<T> read) {}

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
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;

        Pending(String what, String order, Write<T> write) {
            this.what = what;
            this.order = order;
            this.write = write;
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
     * The batch in one transaction, as few multi-statement queries ({@code s; s; …}) as there are
     * kinds of write in it: the writes of one kind (one SQL text) go together, in chunks of a
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
                for (List<Pending<?>> chunk : chunks(batch, p -> p.write.sql())) {
                    execute(c, repeated(chunk.get(0).write.sql(), chunk.size()), chunk);
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

    /**
     * The batch (sorted by order key) split by SQL text, kinds in the order their first write
     * comes, each kind in chunks of 2^k writes, largest first; the writes of one task keep their
     * order, as the sort is stable and one task's writes of one kind stay in one kind's list.
     */
    static <P> List<List<P>> chunks(List<P> batch, java.util.function.Function<P, String> sql) {
        java.util.Map<String, List<P>> kinds = new java.util.LinkedHashMap<>();
        for (P pending : batch) {
            kinds.computeIfAbsent(sql.apply(pending), k -> new ArrayList<>()).add(pending);
        }
        List<List<P>> chunks = new ArrayList<>();
        for (List<P> kind : kinds.values()) {
            int from = 0;
            while (from < kind.size()) {
                int size = Integer.highestOneBit(kind.size() - from);
                chunks.add(kind.subList(from, from + size));
                from += size;
            }
        }
        return chunks;
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, String[]> REPEATED =
            new java.util.concurrent.ConcurrentHashMap<>();

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
