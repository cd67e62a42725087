package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes the logs of tasks that finished longer ago than the retention, at start and every ten minutes. */
final class LogRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);
    private final TaskEventStore store;
    private final TaskStorage storage;
    private final Clock clock;
    private final Duration retention;
    private Thread thread;

    LogRetention(TaskEventStore store, TaskStorage storage, Clock clock, Duration retention) {
        this.store = store;
        this.storage = storage;
        this.clock = clock;
        this.retention = retention;
    }

    void start() {
        thread = Thread.ofVirtual().name("log-retention").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    int deleted = store.deleteFinishedBefore(clock.instant().minus(retention), storage::find);
                    if (deleted > 0) {
                        LOG.info("log retention: deleted the logs of {} tasks finished before {}", deleted,
                                clock.instant().minus(retention));
                    }
                    Thread.sleep(Duration.ofMinutes(10));
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("log retention sweep failed; trying again later", e);
                }
            }
        });
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
