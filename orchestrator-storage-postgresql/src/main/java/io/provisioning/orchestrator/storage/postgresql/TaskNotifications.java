package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.task.Task;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows what other nodes write, with {@code LISTEN orchestrator_task} on a connection of its
 * own (each node's {@link ChangeNotices} announces {@code "<writer> <task id> <version> <json>"} for every
 * change of a task it committed, without the JSON when it does not fit; those are read back, together,
 * in one query). {@code version} drops what is older than what was already passed on, and what
 * this node wrote is skipped. A lost connection is opened again a
 * second later; what changed meanwhile the engine's periodic sweep finds.
 */
final class TaskNotifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskNotifications.class);
    static final String CHANNEL = "orchestrator_task";
    private static final int REMEMBERED = 200_000;
    private static final int WAIT_MILLIS = 500;

    record Row(String id, long version, String writer, String json) {}

    private final Thread thread;
    private final java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean closed;
    private volatile Connection connection;

    private TaskNotifications(PostgresTaskStorage.Connector connector, PostgresTaskStorage storage, String nodeId,
            Consumer<Task> changed) {
        Map<String, Long> versions = new ConcurrentHashMap<>();
        this.thread = Thread.ofPlatform().daemon().name("postgresql-listen").unstarted(() -> {
            while (!closed) {
                try (Connection c = connector.open()) {
                    connection = c;
                    try (Statement st = c.createStatement()) {
                        st.execute("LISTEN " + CHANNEL);
                    }
                    listening.countDown();
                    PGConnection pg = c.unwrap(PGConnection.class);
                    while (!closed) {
                        PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
                        if (got != null && got.length > 0) {
                            deliver(storage, nodeId, got, versions, changed);
                        }
                    }
                } catch (SQLException | StorageException e) {
                    if (!closed) {
                        LOG.warn("not following other nodes' changes for now ({}); trying again in a second",
                                e.getMessage());
                        sleepASecond();
                    }
                } finally {
                    connection = null;
                }
            }
        });
    }

    static TaskNotifications start(PostgresTaskStorage.Connector connector, PostgresTaskStorage storage, String nodeId,
            Consumer<Task> changed) {
        TaskNotifications notifications = new TaskNotifications(connector, storage, nodeId, changed);
        notifications.thread.start();
        try {
            // what is written from now on is seen (unless the server is away: then the thread keeps trying)
            notifications.listening.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return notifications;
    }

    private static void deliver(PostgresTaskStorage storage, String nodeId, PGNotification[] got,
            Map<String, Long> versions, Consumer<Task> changed) {
        List<Row> rows = new ArrayList<>(got.length);
        Set<String> toRead = new LinkedHashSet<>();
        for (PGNotification n : got) {
            // "<writer> <id> <version>[ <json>]"
            String[] parts = n.getParameter().split(" ", 4);
            if (parts.length < 3 || parts[0].equals(nodeId)) {
                continue;
            }
            if (parts.length == 4) {
                rows.add(new Row(parts[1], Long.parseLong(parts[2]), parts[0], parts[3]));
            } else {
                toRead.add(parts[1]);
            }
        }
        if (!toRead.isEmpty()) {
            rows.addAll(storage.rows(new ArrayList<>(toRead)));
        }
        for (Row row : rows) {
            Long seen = versions.get(row.id());
            if (nodeId.equals(row.writer()) || (seen != null && seen >= row.version())) {
                continue;
            }
            if (versions.size() > REMEMBERED) {
                versions.clear();
            }
            versions.put(row.id(), row.version());
            try {
                changed.accept(TaskRows.fromJson(row.json()));
            } catch (RuntimeException e) {
                LOG.warn("a change from another node could not be applied here: {}", e.getMessage());
            }
        }
    }

    private static void sleepASecond() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
