package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import javax.sql.DataSource;

/**
 * The reads that claims start from, of many workers at once, as one query, the way
 * {@link GroupCommit} sends their writes: a worker hands in the id of the task it is about to
 * claim and waits; one of a few reader threads takes every id waiting at that moment (up to
 * {@link #MAX_BATCH}), reads them with one {@code SELECT … WHERE id = ANY (?)} and answers each
 * worker its row's JSON, or none. Under load a round of claims then costs one read statement
 * rather than one per task; a read alone waits for nothing but the hand-over to a reader. A
 * failure is each waiting caller's, as it would have been for a read of its own.
 */
final class GroupRead implements AutoCloseable {
    static final int MAX_BATCH = 256;
    private static final int WAITING = 4_096;

    private record Request(String id, CompletableFuture<String> json) {}

    private final DataSource pool;
    private final BiFunction<String, SQLException, RuntimeException> failed;
    private final BlockingQueue<Request> inbox = new ArrayBlockingQueue<>(WAITING);
    private final List<Thread> readers = new ArrayList<>();
    private volatile boolean closed;

    GroupRead(DataSource pool, int readers, BiFunction<String, SQLException, RuntimeException> failed) {
        this.pool = pool;
        this.failed = failed;
        for (int i = 0; i < readers; i++) {
            this.readers.add(Thread.ofPlatform().daemon().name("postgresql-reader-" + i).start(this::loop));
        }
    }

    /** The JSON of task {@code id} as stored, read in the next batch; empty when there is no such task. */
    Optional<String> json(String id) {
        if (closed) {
            throw closed();
        }
        Request request = new Request(id, new CompletableFuture<>());
        try {
            inbox.put(request);
            if (closed && inbox.remove(request)) {
                throw closed();
            }
            return Optional.ofNullable(request.json().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while reading task " + id);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
        }
    }

    /** How many reads wait for a reader (for tests). */
    int waiting() {
        return inbox.size();
    }

    private void loop() {
        List<Request> batch = new ArrayList<>(MAX_BATCH);
        while (!closed) {
            try {
                Request first = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                inbox.drainTo(batch, MAX_BATCH - 1);
                read(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) { // a bug; no caller may wait forever for it
                batch.forEach(r -> r.json().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        failWaiting();
    }

    private void read(List<Request> batch) {
        Map<String, String> rows = new HashMap<>(batch.size() * 2);
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, json FROM task WHERE id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", batch.stream().map(Request::id).toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            for (Request request : batch) {
                request.json().completeExceptionally(failed.apply("read task " + request.id()
                        + (batch.size() == 1 ? "" : " (in a batch of " + batch.size() + " reads)"), e));
            }
            return;
        }
        for (Request request : batch) {
            request.json().complete(rows.get(request.id()));
        }
    }

    private void failWaiting() {
        List<Request> left = new ArrayList<>();
        inbox.drainTo(left);
        left.forEach(r -> r.json().completeExceptionally(closed()));
    }

    private static StorageUnavailableException closed() {
        return new StorageUnavailableException("the PostgreSQL storage is closed");
    }

    /** Stops the readers; a read still waiting is told "unavailable". */
    @Override
    public void close() {
        closed = true;
        readers.forEach(Thread::interrupt);
        for (Thread reader : readers) {
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failWaiting();
    }
}
