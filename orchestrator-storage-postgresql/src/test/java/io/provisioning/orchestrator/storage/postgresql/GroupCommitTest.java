package io.provisioning.orchestrator.storage.postgresql;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.storage.DuplicateSequenceException;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit on a real PostgreSQL: the writes of many callers go in one transaction, yet each
 * caller gets its own answer. The store's one writer is held on a row another connection locks,
 * so that the writes handed in meanwhile all wait and then go together in the next batch.
 */
class GroupCommitTest {
    @TempDir Path dataDir;
    private PostgresCluster cluster;
    private String database;
    private PostgresTaskStorage storage;
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        cluster = PostgresCluster.shared();
        database = cluster.createDatabase();
        Map<String, String> options = cluster.storageOptions(database);
        options.put("postgresql-lease-seconds", "3600"); // no lease renewal rewrites the rows while the test looks at them
        storage = new PostgresStorageFactory().open(dataDir, options, 1);
    }

    @AfterEach
    void close() {
        callers.shutdownNow();
        storage.close();
    }

    private Connection admin() throws Exception {
        return DriverManager.getConnection(cluster.url(database), PostgresCluster.USER, PostgresCluster.PASSWORD);
    }

    @Test
    void compare_and_sets_in_one_transaction_each_keep_their_own_outcome() throws Exception {
        List<Task> pending = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Task task = aTask().pending();
            storage.saveAndEnqueue(task);
            pending.add(task);
        }
        List<Future<Boolean>> first = new ArrayList<>();
        List<Future<Boolean>> second = new ArrayList<>();
        List<Future<Boolean>> stale = new ArrayList<>();
        List<Task> firstRunning = new ArrayList<>();
        try (Connection other = admin()) {
            Future<?> held = holdTheWriter(other);
            for (int i = 0; i < pending.size(); i++) {
                Task task = pending.get(i);
                Task a = task.start(Instant.parse("2026-01-01T00:00:01Z"));
                Task b = task.start(Instant.parse("2026-01-01T00:00:02Z"));
                firstRunning.add(a);
                first.add(call(() -> storage.compareAndSave(task, a, QueueChange.REMOVE)));
                awaitWaiting(first.size() + second.size() + stale.size());
                second.add(call(() -> storage.compareAndSave(task, b, QueueChange.REMOVE)));
                awaitWaiting(first.size() + second.size() + stale.size());
                if (i % 4 == 0) { // expects a state that was never stored
                    Task never = task.waitingFor(Instant.parse("2026-01-01T00:00:03Z"), "never stored");
                    stale.add(call(() -> storage.compareAndSave(never, never.cancel(Instant.now(), "x"), QueueChange.REMOVE)));
                    awaitWaiting(first.size() + second.size() + stale.size());
                }
            }
            other.rollback(); // the writer goes on: the 45 writes waiting are its next batch
            held.get(60, TimeUnit.SECONDS);
        }
        for (int i = 0; i < pending.size(); i++) {
            // handed in first, so first in the batch's order: it wins, the second one finds it Running
            assertThat(first.get(i).get(60, TimeUnit.SECONDS)).as("first claim of task " + i).isTrue();
            assertThat(second.get(i).get(60, TimeUnit.SECONDS)).as("second claim of task " + i).isFalse();
            assertThat(storage.find(pending.get(i).id())).contains(firstRunning.get(i));
        }
        for (Future<Boolean> s : stale) {
            assertThat(s.get(60, TimeUnit.SECONDS)).as("a compare with a state never stored").isFalse();
        }
        assertThat(storage.queuedTaskIds()).doesNotContainAnyElementsOf(pending.stream().map(Task::id).toList());
        assertThat(transactionsThatWrote(pending)).as("transactions that wrote the claims").isEqualTo(1);
    }

    @Test
    void claims_that_go_as_one_statement_skip_the_rows_another_node_is_locking_and_only_those() throws Exception {
        List<Task> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Task task = aTask().pending();
            storage.saveAndEnqueue(task);
            pending.add(task);
        }
        List<Future<Boolean>> claims = new ArrayList<>();
        try (Connection other = admin(); Connection locker = admin()) {
            Future<?> held = holdTheWriter(other);
            for (Task task : pending) {
                claims.add(call(() -> storage.compareAndSave(task, task.start(Instant.now()), QueueChange.REMOVE)));
                awaitWaiting(claims.size());
            }
            locker.setAutoCommit(false); // another node in the middle of its claim of tasks 0 to 2
            try (PreparedStatement ps = locker.prepareStatement("SELECT id FROM task WHERE id = ANY (?) FOR UPDATE")) {
                ps.setArray(1, locker.createArrayOf("text", pending.subList(0, 3).stream().map(Task::id).toArray()));
                ps.executeQuery().close();
            }
            other.rollback(); // the writer goes on: the 10 claims are its next batch, while locker holds its rows
            held.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < pending.size(); i++) {
                assertThat(claims.get(i).get(60, TimeUnit.SECONDS)).as("claim of task " + i + ", locked elsewhere: " + (i < 3))
                        .isEqualTo(i >= 3);
            }
            locker.rollback();
        }
        for (int i = 0; i < pending.size(); i++) {
            assertThat(storage.find(pending.get(i).id()).orElseThrow().status()).as("task " + i)
                    .isEqualTo(i < 3 ? TaskStatus.Pending : TaskStatus.Running);
        }
        assertThat(storage.queuedTaskIds()).containsAll(pending.subList(0, 3).stream().map(Task::id).toList())
                .doesNotContainAnyElementsOf(pending.subList(3, 10).stream().map(Task::id).toList());
        assertThat(transactionsThatWrote(pending.subList(3, 10))).as("transactions that wrote the claims").isEqualTo(1);
    }

    @Test
    void two_submissions_under_one_key_in_one_batch_store_the_first_and_answer_the_second_its_record() throws Exception {
        Task claimable = aTask().pending();
        storage.saveAndEnqueue(claimable);
        Task a = aTask().withIdempotencyKey("key-1").pending();
        Task b = aTask().withIdempotencyKey("key-1").pending();
        Task c1 = aTask().pending();
        Task c2 = aTask().pending();
        List<Future<?>> answers = inOneBatch(
                () -> storage.saveSubmission(List.of(a), record("key-1", "h-a")),
                () -> storage.saveSubmission(List.of(b), record("key-1", "h-b")),
                () -> storage.saveSubmission(List.of(c1, c2), null),
                () -> storage.compareAndSave(claimable, claimable.start(Instant.now()), QueueChange.REMOVE));

        assertThat(answers.get(0).get(60, TimeUnit.SECONDS)).as("the first submission under key-1").isEqualTo(Optional.empty());
        assertThat(answers.get(1).get(60, TimeUnit.SECONDS)).as("the second one is answered the first one's record")
                .isEqualTo(Optional.of(record("key-1", "h-a")));
        assertThat(answers.get(2).get(60, TimeUnit.SECONDS)).isEqualTo(Optional.empty());
        assertThat(answers.get(3).get(60, TimeUnit.SECONDS)).isEqualTo(true);
        assertThat(storage.find(a.id())).contains(a);
        assertThat(storage.find(b.id())).as("the second submission under key-1").isEmpty();
        assertThat(storage.queuedTaskIds()).contains(a.id(), c1.id(), c2.id()).doesNotContain(b.id(), claimable.id());
        assertThat(transactionsThatWrote(List.of(a, c1, c2, claimable))).as("transactions that wrote them").isEqualTo(1);
    }

    @Test
    void a_write_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_stored() throws Exception {
        Task stored = aTask().pending();
        storage.saveAndEnqueue(stored);
        Task claimable = aTask().pending();
        storage.saveAndEnqueue(claimable);
        Task keyed = aTask().withIdempotencyKey("key-2").pending();
        Task plain = aTask().pending();
        Task clash = aTask().withSequence(stored.sequence()).pending(); // another task's sequence: refused
        List<Future<?>> answers = inOneBatch(
                () -> storage.saveSubmission(List.of(keyed), record("key-2", "h")),
                () -> storage.saveSubmission(List.of(clash), null),
                () -> storage.saveSubmission(List.of(plain), null),
                () -> storage.compareAndSave(claimable, claimable.start(Instant.now()), QueueChange.REMOVE));

        assertThat(answers.get(0).get(60, TimeUnit.SECONDS)).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> answers.get(1).get(60, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DuplicateSequenceException.class);
        assertThat(answers.get(2).get(60, TimeUnit.SECONDS)).isEqualTo(Optional.empty());
        assertThat(answers.get(3).get(60, TimeUnit.SECONDS)).isEqualTo(true);
        assertThat(storage.find(keyed.id())).contains(keyed);
        assertThat(storage.find(plain.id())).contains(plain);
        assertThat(storage.find(clash.id())).isEmpty();
        assertThat(storage.findIdempotencyRecord("key-2")).contains(record("key-2", "h"));
        assertThat(storage.find(claimable.id()).orElseThrow().status()).isEqualTo(TaskStatus.Running);
    }

    private static IdempotencyRecord record(String key, String hash) {
        return new IdempotencyRecord(key, hash, Map.of("task", hash), Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Hands these writes in, in this order, while the writer is held, so that they are its next batch. */
    @SafeVarargs
    private List<Future<?>> inOneBatch(Callable<?>... writes) throws Exception {
        List<Future<?>> answers = new ArrayList<>();
        try (Connection other = admin()) {
            Future<?> held = holdTheWriter(other);
            for (Callable<?> write : writes) {
                answers.add(call(write));
                awaitWaiting(answers.size());
            }
            other.rollback();
            held.get(60, TimeUnit.SECONDS);
        }
        return answers;
    }

    /**
     * Locks a row on {@code other} (left open) and has the store's one writer wait for it with a
     * write of that row; returns that write, answered once {@code other} lets go.
     */
    private Future<?> holdTheWriter(Connection other) throws Exception {
        Task blocker = aTask().pending();
        storage.saveAndEnqueue(blocker);
        other.setAutoCommit(false);
        try (Statement st = other.createStatement()) {
            st.execute("SELECT id FROM task WHERE id = '" + blocker.id() + "' FOR UPDATE");
        }
        Future<?> held = call(() -> {
            storage.save(blocker.waitingFor(Instant.now(), "held"));
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnALock(other) && storage.writesWaiting() == 0);
        return held;
    }

    private static boolean waitingOnALock(Connection other) throws Exception {
        try (Statement st = other.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private void awaitWaiting(int writes) {
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.writesWaiting() == writes);
    }

    /** How many transactions last wrote these tasks' rows. */
    private long transactionsThatWrote(List<Task> tasks) throws Exception {
        try (Connection c = admin(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(DISTINCT xmin::text) FROM task WHERE id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", tasks.stream().map(Task::id).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private <T> Future<T> call(Callable<T> work) {
        return callers.submit(work);
    }
}
