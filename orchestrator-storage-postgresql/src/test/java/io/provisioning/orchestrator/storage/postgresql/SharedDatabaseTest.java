package io.provisioning.orchestrator.storage.postgresql;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.storage.DuplicateSequenceException;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import io.provisioning.orchestrator.task.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes on one PostgreSQL database: exclusive claims, leases, takeover, live changes over
 * LISTEN/NOTIFY, the unique sequence, versioned migrations.
 */
class SharedDatabaseTest {
    @TempDir Path dataDir;
    private PostgresCluster cluster;
    private String database;
    private final List<TaskStorage> opened = new ArrayList<>();

    @BeforeEach
    void newDatabase() {
        cluster = PostgresCluster.shared();
        database = cluster.createDatabase();
    }

    @AfterEach
    void closeNodes() {
        opened.forEach(TaskStorage::close);
    }

    private TaskStorage node(String id) {
        Map<String, String> options = new HashMap<>(cluster.storageOptions(database));
        options.put("postgresql-node-id", id);
        options.put("postgresql-lease-seconds", "1");
        TaskStorage storage = StorageTypes.open("postgresql", dataDir, options);
        opened.add(storage);
        return storage;
    }

    @Test
    void of_many_nodes_claiming_the_same_task_at_once_exactly_one_wins() throws Exception {
        List<TaskStorage> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(node("node-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            for (int round = 0; round < 60; round++) {
                Task pending = aTask().pending();
                nodes.get(0).saveAndEnqueue(pending);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (TaskStorage node : nodes) {
                    claims.add(pool.submit(() -> {
                        go.await();
                        return node.compareAndSave(pending, pending.start(Instant.now()), QueueChange.REMOVE);
                    }));
                }
                go.countDown();
                int wins = 0;
                for (Future<Boolean> claim : claims) {
                    wins += claim.get() ? 1 : 0;
                }
                assertThat(wins).as("winners of round " + round).isEqualTo(1);
                assertThat(nodes.get(0).queuedTaskIds()).doesNotContain(pending.id());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void a_running_task_belongs_to_its_lease_holder_until_the_lease_lapses() throws Exception {
        TaskStorage a = node("a");
        TaskStorage b = node("b");
        Task pending = aTask().pending();
        a.saveAndEnqueue(pending);
        Task running = pending.start(Instant.parse("2026-01-01T00:00:01Z"));
        assertThat(a.compareAndSave(pending, running, QueueChange.REMOVE)).isTrue();

        Thread.sleep(2500); // more than a lease: a renews it meanwhile
        assertThat(b.findOrphaned(false)).isEmpty();
        Task takeover = running.requeueAfterInterruption(Instant.parse("2026-01-01T00:00:05Z"), "node a died");
        assertThat(b.compareAndSave(running, takeover, QueueChange.ADD)).as("b may not change a's running task").isFalse();

        a.close(); // a dies: nobody renews its lease
        opened.remove(a);
        await().atMost(Duration.ofSeconds(10)).until(() -> !b.findOrphaned(false).isEmpty());
        assertThat(b.findOrphaned(false)).extracting(Task::id).containsExactly(pending.id());
        assertThat(b.compareAndSave(running, takeover, QueueChange.ADD)).isTrue();
        assertThat(b.queuedTaskIds()).containsExactly(pending.id());
    }

    @Test
    void a_restarted_node_knows_its_own_running_tasks_at_once() {
        TaskStorage a = node("a");
        Task pending = aTask().pending();
        a.saveAndEnqueue(pending);
        assertThat(a.compareAndSave(pending, pending.start(Instant.now()), QueueChange.REMOVE)).isTrue();
        a.close();
        opened.remove(a);
        assertThat(node("b").findOrphaned(true)).as("another node: the lease is still fresh").isEmpty();
        assertThat(node("a").findOrphaned(true)).extracting(Task::id).containsExactly(pending.id());
    }

    @Test
    void passes_on_what_other_nodes_write_and_not_its_own() throws Exception {
        TaskStorage a = node("a");
        TaskStorage b = node("b");
        List<Task> seenByA = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = a.watchOtherNodes(seenByA::add)) {
            Task mine = aTask().pending();
            a.saveAndEnqueue(mine);
            Task theirs = aTask().pending();
            b.saveAndEnqueue(theirs);
            Task started = theirs.start(Instant.parse("2026-01-01T00:00:01Z"));
            b.compareAndSave(theirs, started, QueueChange.REMOVE);
            await().atMost(Duration.ofSeconds(10)).until(() -> seenByA.contains(started));
            assertThat(seenByA).contains(theirs).noneMatch(t -> t.id().equals(mine.id()));
        }
    }

    @Test
    void passes_on_tasks_whose_text_holds_quotes_backslashes_separators_and_any_unicode_as_written() throws Exception {
        TaskStorage a = node("a");
        TaskStorage b = node("b");
        List<Task> seenByA = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = a.watchOtherNodes(seenByA::add)) {
            List<Task> written = new ArrayList<>();
            String[] outputs = {"\"quoted\", {braces}, [brackets], back\\slash", "record\u001eseparator\u001funit\u0000nul",
                "ünïcödé ✓ 🚀, tab\tand\nnewline", "x".repeat(9_000)}; // the last is over a payload: announced without JSON
            for (String output : outputs) {
                Task theirs = aTask().running();
                b.save(theirs);
                Task done = theirs.complete(Instant.parse("2026-01-01T00:00:02Z"), 0, output);
                b.compareAndSave(theirs, done, QueueChange.KEEP);
                written.add(done);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> seenByA.containsAll(written));
            for (Task done : written) {
                assertThat(a.find(done.id())).contains(done);
            }
        }
    }

    @Test
    void notices_go_joined_unless_a_payload_holds_the_separator_then_as_an_array() {
        assertThat(ChangeNotices.joined(List.of("a 1 1 {}", "a 2 1 {\"x\":\"\\u001e\"}"))).isEqualTo("a 1 1 {}\u001ea 2 1 {\"x\":\"\\u001e\"}");
        assertThat(ChangeNotices.joined(List.of("a 1 1 {}", "node\u001ename 2 1 {}"))).isNull();
    }

    @Test
    void refuses_a_second_task_with_a_sequence_another_node_already_used() {
        TaskStorage a = node("a");
        TaskStorage b = node("b");
        a.saveAndEnqueue(aTask().withSequence(1_700_000_000_000_001L).pending());
        assertThatThrownBy(() -> b.saveAndEnqueue(aTask().withSequence(1_700_000_000_000_001L).pending()))
                .isInstanceOf(DuplicateSequenceException.class);
    }
}
