package io.provisioning.orchestrator.storage.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import io.provisioning.orchestrator.storage.LastRenewal;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extends this node's leases on its Running tasks four times per lease period, by the database's
 * clock ({@code now()}), so nodes need not agree on the time. It has a connection of its own: a
 * renewal must not wait behind the pool's other work, or a busy node would lose its own tasks. A
 * node that dies stops renewing; once its leases lapse, the other nodes take its tasks over.
 */
final class LeaseRenewal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseRenewal.class);
    /** Locks the rows in id order, as {@link GroupCommit}'s batches do, so a renewal and a batch cannot deadlock. */
    static final String RENEW = "UPDATE task SET lease_until = now() + ? * interval '1 millisecond'"
            + " WHERE id IN (SELECT id FROM task WHERE status = 'Running' AND lease_owner = ?"
            + " ORDER BY id COLLATE \"C\" FOR UPDATE)";

    private final PostgresTaskStorage.Connector connector;
    private final String nodeId;
    private final long leaseMillis;
    private final LastRenewal last;
    private final Thread thread;
    private Connection connection;

    private LeaseRenewal(PostgresTaskStorage.Connector connector, String nodeId, Duration lease, LastRenewal last) {
        this.connector = connector;
        this.last = last;
        this.nodeId = nodeId;
        this.leaseMillis = lease.toMillis();
        Duration every = lease.dividedBy(4);
        this.thread = Thread.ofPlatform().daemon().name("postgresql-lease-renewal").unstarted(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                    renew();
                } catch (InterruptedException e) {
                    break;
                } catch (SQLException e) {
                    LOG.warn("cannot renew leases: {}", SqlFailures.firstLine(e));
                    closeConnection();
                }
            }
            closeConnection();
        });
    }

    /** {@code last} hears of every renewal that succeeded (the engine fences its attempts on it). */
    static LeaseRenewal start(PostgresTaskStorage.Connector connector, String nodeId, Duration lease, LastRenewal last) {
        LeaseRenewal renewal = new LeaseRenewal(connector, nodeId, lease, last);
        renewal.thread.start();
        return renewal;
    }

    /** Extends every lease this node holds; returns how many. */
    synchronized int renew() throws SQLException {
        java.time.Instant sent = last.sending();
        if (connection == null || connection.isClosed()) {
            connection = connector.open();
        }
        try (PreparedStatement ps = connection.prepareStatement(RENEW)) {
            ps.setLong(1, leaseMillis);
            ps.setString(2, nodeId);
            int renewed = ps.executeUpdate();
            last.succeeded(sent);
            return renewed;
        }
    }

    private synchronized void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // gone anyway
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
