package io.provisioning.orchestrator.storage.postgresql;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the other nodes what this node wrote: {@code "<writer> <task id> <version> <json>"} on
 * {@link TaskNotifications#CHANNEL} (without the JSON when it does not fit in a payload), sent
 * right after the write has committed, up to 1,000 changes in one transaction of their own.
 *
 * <p>Why not from a trigger inside the write: PostgreSQL serializes every transaction that
 * notifies on one database-wide lock held until its commit has been flushed, so notifying inside
 * each write made all state changes of all nodes commit one after the other (no group commit;
 * {@code Lock:object} was what the server's backends waited for under load). A notice is not a
 * durable fact (the row is): a notice lost because this node died right after a commit, or because
 * the server was away, is what a listener's reconnect already has to live with, and the engine's
 * periodic sweep finds the change. At most {@link #LIMIT} notices wait; beyond that they are
 * dropped with a warning (same remedy).
 */
final class ChangeNotices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeNotices.class);
    static final int LIMIT = 100_000;
    private static final int PER_TRANSACTION = 1_000;
    /** What fits in a NOTIFY payload (8000 bytes) with the writer, id and version in front. */
    private static final int JSON_BYTES = 7_600;
    private static final String NOTIFY = "SELECT count(pg_notify('" + TaskNotifications.CHANNEL + "', p)) FROM unnest(?::text[]) AS p";
    /**
     * The same with the payloads joined by U+001E, which JSON text never holds raw (a string escapes
     * every control character) and ids and node names may not contain: one plain text parameter,
     * which the driver sends as it is, where a text array costs an escape of every quote of every
     * task's JSON on this side and a parse of the array literal on the server's.
     */
    private static final String NOTIFY_JOINED = "SELECT count(pg_notify('" + TaskNotifications.CHANNEL
            + "', p)) FROM string_to_table(?, chr(30)) AS p";
    private static final char SEPARATOR = '\u001e';

    private final DataSource pool;
    private final String nodeId;
    private final BlockingQueue<String> waiting = new ArrayBlockingQueue<>(LIMIT);
    private final Thread thread;
    private volatile boolean closed;
    private long dropped;

    ChangeNotices(DataSource pool, String nodeId) {
        this.pool = pool;
        this.nodeId = nodeId;
        this.thread = Thread.ofPlatform().daemon().name("postgresql-notify").start(this::run);
    }

    /** A committed change of a task: announce it. */
    void changed(String id, long version, String json) {
        String head = nodeId + " " + id + " " + version;
        boolean fits = json.length() * 3 <= JSON_BYTES || json.getBytes(StandardCharsets.UTF_8).length <= JSON_BYTES;
        if (!waiting.offer(fits ? head + " " + json : head)) {
            synchronized (this) {
                if (dropped++ % 10_000 == 0) {
                    LOG.warn("{} change notices waiting; dropped one (other nodes' sweep will find the change)", LIMIT);
                }
            }
        }
    }

    private void run() {
        List<String> batch = new ArrayList<>(PER_TRANSACTION);
        while (!closed || !waiting.isEmpty()) {
            try {
                String first = waiting.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, PER_TRANSACTION - 1);
                send(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("cannot send {} change notices to the other nodes (their sweep will find the changes): {}",
                            batch.size(), e.getMessage());
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** One transaction that needs no flush of its own: the changes it announces are flushed already. */
    private void send(List<String> payloads) throws SQLException {
        try (Connection c = pool.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            String joined = joined(payloads);
            try (Statement st = c.createStatement();
                    PreparedStatement ps = c.prepareStatement(joined == null ? NOTIFY : NOTIFY_JOINED)) {
                st.execute("SET LOCAL synchronous_commit TO off");
                if (joined == null) {
                    ps.setArray(1, c.createArrayOf("text", payloads.toArray()));
                } else {
                    ps.setString(1, joined);
                }
                ps.executeQuery().close();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** The payloads separated by {@link #SEPARATOR}; null if one holds it (then they go as an array). */
    static String joined(List<String> payloads) {
        StringBuilder all = new StringBuilder(payloads.size() * 1_100);
        for (String payload : payloads) {
            if (payload.indexOf(SEPARATOR) >= 0) {
                return null;
            }
            if (!all.isEmpty()) {
                all.append(SEPARATOR);
            }
            all.append(payload);
        }
        return all.toString();
    }

    /** Sends what is waiting (for at most 5 s), then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
