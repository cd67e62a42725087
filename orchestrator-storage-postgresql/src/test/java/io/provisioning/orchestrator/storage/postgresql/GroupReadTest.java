package io.provisioning.orchestrator.storage.postgresql;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import io.provisioning.orchestrator.task.Task;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claims' reads on a real PostgreSQL: the reads handed in while the one reader is busy go in
 * its next query together, and each caller gets its own row, or none. The reader is held by a
 * data source whose first connection waits for the test, so what goes together is not a matter
 * of timing.
 */
class GroupReadTest {
    @TempDir Path dataDir;
    private PostgresCluster cluster;
    private String database;
    private PostgresTaskStorage storage;
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        cluster = PostgresCluster.shared();
        database = cluster.createDatabase();
        storage = new PostgresStorageFactory().open(dataDir, cluster.storageOptions(database), 1);
    }

    @AfterEach
    void close() {
        callers.shutdownNow();
        storage.close();
    }

    @Test
    void the_reads_waiting_for_the_reader_go_in_one_query_and_each_gets_its_own_row() throws Exception {
        List<Task> stored = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Task task = aTask().pending();
            storage.saveAndEnqueue(task);
            stored.add(task);
        }
        CountDownLatch gate = new CountDownLatch(1);
        Gated pool = new Gated(gate);
        try (GroupRead reads = new GroupRead(pool, 1, (what, e) -> SqlFailures.map(what, "test", e))) {
            Future<Optional<String>> first = callers.submit(() -> reads.json(stored.get(0).id()));
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.taken.get() == 1); // the reader waits at the gate
            List<String> ids = new ArrayList<>();
            stored.forEach(t -> ids.add(t.id()));
            ids.add(stored.get(3).id()); // the same task twice in one query
            ids.add("no-such-task");
            List<Future<Optional<String>>> answers = new ArrayList<>();
            for (String id : ids) {
                answers.add(callers.submit(() -> reads.json(id)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> reads.waiting() == ids.size());
            gate.countDown();

            assertThat(first.get(60, TimeUnit.SECONDS).map(TaskRows::fromJson)).contains(stored.get(0));
            for (int i = 0; i < ids.size(); i++) {
                Optional<Task> answer = answers.get(i).get(60, TimeUnit.SECONDS).map(TaskRows::fromJson);
                if (i < stored.size()) {
                    assertThat(answer).as("read of task " + i).contains(stored.get(i));
                }
            }
            assertThat(answers.get(10).get().map(TaskRows::fromJson)).contains(stored.get(3));
            assertThat(answers.get(11).get()).as("a task that is not stored").isEmpty();
            assertThat(pool.taken.get()).as("connections taken: the first read's, then one for the 12 waiting").isEqualTo(2);
        }
    }

    @Test
    void when_the_server_is_unreachable_each_waiting_read_is_told_it_is_unavailable() {
        DataSource down = new Gated(new CountDownLatch(0)) {
            @Override
            public Connection getConnection() throws SQLException {
                throw new SQLException("Connection refused", "08001");
            }
        };
        try (GroupRead reads = new GroupRead(down, 1, (what, e) -> SqlFailures.map(what, "test", e))) {
            assertThatThrownBy(() -> reads.json("some-task")).isInstanceOf(StorageUnavailableException.class)
                    .hasMessageContaining("unavailable");
        }
    }

    @Test
    void a_read_after_close_is_told_the_storage_is_closed() {
        GroupRead reads = new GroupRead(new Gated(new CountDownLatch(0)), 1, (what, e) -> SqlFailures.map(what, "test", e));
        reads.close();
        assertThatThrownBy(() -> reads.json("some-task")).isInstanceOf(StorageUnavailableException.class)
                .hasMessageContaining("closed");
    }

    /** Connections to the test database; the first one only once the gate opens. */
    private class Gated implements DataSource {
        final CountDownLatch gate;
        final AtomicInteger taken = new AtomicInteger();

        Gated(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (taken.incrementAndGet() == 1) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted", "08006");
                }
            }
            return DriverManager.getConnection(cluster.url(database), PostgresCluster.USER, PostgresCluster.PASSWORD);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
