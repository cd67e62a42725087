package io.provisioning.orchestrator.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.ConflictException;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.engine.OrchestratorConfig;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.NoopExecutor;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import io.provisioning.orchestrator.testing.MutableClock;
import io.provisioning.orchestrator.workflow.BatchRequest;
import io.provisioning.orchestrator.workflow.WorkflowKind;
import io.provisioning.orchestrator.workflow.WorkflowPlanner;
import io.provisioning.orchestrator.workflow.WorkflowRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The submission service on its own (no HTTP): idempotency and batch checks; the engine is not started. */
class SubmissionsTest {
    private final MutableClock clock = MutableClock.atEpochPlusOneDay();
    private final InMemoryTaskStorage storage = new InMemoryTaskStorage();
    private final Orchestrator orchestrator = new Orchestrator(OrchestratorConfig.defaults(), storage, new NoopExecutor(),
            clock, new TaskEventBus());
    private final Submissions submissions = new Submissions(orchestrator,
            new WorkflowPlanner("nu", "provisioning/main.nu", 3, 3600), null, clock);

    @AfterEach
    void close() {
        orchestrator.close();
    }

    @Test
    void the_same_key_and_body_answer_the_first_task_and_another_body_conflicts_creating_nothing() {
        Submitted first = submissions.workflow(servers("web-01"), key("k1", "body-a"));
        Submitted again = submissions.workflow(servers("web-01"), key("k1", "body-a"));
        assertThat(first.replayed()).isFalse();
        assertThat(again.replayed()).isTrue();
        assertThat(again.taskId()).isEqualTo(first.taskId());
        assertThatThrownBy(() -> submissions.workflow(servers("web-02"), key("k1", "body-b")))
                .isInstanceOf(ConflictException.class).hasMessageContaining("k1");
        assertThat(storage.count()).isEqualTo(1);
        assertThat(orchestrator.get(first.taskId()).idempotencyKey()).isEqualTo("k1");
    }

    @Test
    void a_batch_replays_the_same_ids_in_the_same_order_and_a_changed_batch_conflicts_creating_nothing() {
        BatchRequest batch = new BatchRequest(List.of(
                new BatchRequest.Item("install", taskserv("web-01"), List.of("base")),
                new BatchRequest.Item("base", servers("web-01"), List.of())));
        Submitted first = submissions.batch(batch, key("b1", "batch-a"));
        assertThat(first.taskIds().keySet()).containsExactly("base", "install");
        Task install = orchestrator.get(first.taskIds().get("install"));
        assertThat(install.dependencies()).containsExactly(first.taskIds().get("base"));

        Submitted again = submissions.batch(batch, key("b1", "batch-a"));
        assertThat(again.replayed()).isTrue();
        assertThat(again.taskIds()).containsExactlyEntriesOf(first.taskIds());
        assertThatThrownBy(() -> submissions.batch(batch, key("b1", "batch-b"))).isInstanceOf(ConflictException.class);
        assertThat(storage.count()).isEqualTo(2);
    }

    @Test
    void a_batch_with_a_cycle_is_refused_whole() {
        BatchRequest cycle = new BatchRequest(List.of(
                new BatchRequest.Item("a", servers("web-01"), List.of("b")),
                new BatchRequest.Item("b", servers("web-02"), List.of("a"))));
        assertThatThrownBy(() -> submissions.batch(cycle, key("c1", "cycle")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cycle");
        assertThat(storage.count()).isZero();
        assertThat(storage.findIdempotencyRecord("c1")).isEmpty();
    }

    @Test
    void twenty_concurrent_submissions_with_one_key_create_one() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Submitted>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return submissions.workflow(servers("web-01"), key("race", "same"));
            }));
        }
        go.countDown();
        List<String> ids = new ArrayList<>();
        for (Future<Submitted> answer : answers) {
            ids.add(answer.get().taskId());
        }
        pool.shutdown();
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(storage.count()).isEqualTo(1);
    }

    private static IdempotencyKey key(String key, String body) {
        return IdempotencyKey.of(key, "TEST", body);
    }

    private static WorkflowRequest servers(String server) {
        return WorkflowRequest.builder(WorkflowKind.SERVERS, "create", "prod", "./settings.yaml")
                .servers(List.of(server)).build();
    }

    private static WorkflowRequest taskserv(String server) {
        return WorkflowRequest.builder(WorkflowKind.TASKSERV, "create", "prod", "./settings.yaml")
                .target("kubernetes").servers(List.of(server)).build();
    }
}
