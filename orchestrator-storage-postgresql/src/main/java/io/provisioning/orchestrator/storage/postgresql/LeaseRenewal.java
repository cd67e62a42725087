package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.StorageException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extends this node's leases on its Running tasks three times per lease period, by the
 * database's clock ({@code now()}), so nodes need not agree on the time. A node that dies stops
 * renewing; once its leases lapse, the other nodes take its tasks over.
 */
final class LeaseRenewal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseRenewal.class);
    private final Thread thread;

    private LeaseRenewal(Thread thread) {
        this.thread = thread;
    }

    static LeaseRenewal start(PostgresTaskStorage storage, Duration lease) {
        Duration every = lease.dividedBy(3);
        Thread thread = Thread.ofPlatform().daemon().name("postgresql-lease-renewal").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                    storage.renewLeases();
                } catch (InterruptedException e) {
                    return;
                } catch (StorageException e) {
                    LOG.warn("cannot renew leases: {}", e.getMessage());
                }
            }
        });
        return new LeaseRenewal(thread);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
