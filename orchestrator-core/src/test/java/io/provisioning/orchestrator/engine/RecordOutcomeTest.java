package io.provisioning.orchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.ExecutionListener;
import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How an outcome is written: on a shared store (whose compare-and-set compares) over the claimed
 * state without reading the task again, and read first when the task changed meanwhile, so that
 * what the attempt stored on its way (progress) stays in the outcome; on a store only this process
 * uses (whose compare-and-set does not compare), always after a read.
 */
class RecordOutcomeTest {
    private Orchestrator orchestrator;

    @AfterEach
    void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @Test
    void on_a_shared_store_an_attempt_without_progress_reads_its_task_once_to_claim_it_and_not_again_for_its_outcome() {
        ComparingSharedStore store = new ComparingSharedStore();
        Task task = start(store, (t, listener) -> ExecutionResult.succeeded("ok"));

        await().atMost(Duration.ofSeconds(10)).until(() -> store.find(task.id()).orElseThrow().status() == TaskStatus.Completed);
        assertThat(store.workerReads(task.id())).as("reads of the task by the worker").isEqualTo(1);
    }

    @Test
    void on_a_shared_store_progress_stored_during_the_attempt_is_kept_in_its_outcome() {
        ComparingSharedStore store = new ComparingSharedStore();
        Task task = start(store, (t, listener) -> {
            listener.onProgress(new Progress(50, "half way"));
            return ExecutionResult.succeeded("ok");
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> store.find(task.id()).orElseThrow().status() == TaskStatus.Completed);
        Task done = store.find(task.id()).orElseThrow();
        assertThat(done.progress()).isEqualTo(new Progress(100, "half way"));
        assertThat(store.refusedCompares.get()).as("the write over the claimed state, refused after the progress note").isEqualTo(1);
    }

    @Test
    void on_a_store_only_this_process_uses_progress_stored_during_the_attempt_is_kept_in_its_outcome() {
        InMemoryTaskStorage store = new InMemoryTaskStorage(); // its compare-and-set does not compare
        Task task = start(store, (t, listener) -> {
            listener.onProgress(new Progress(50, "half way"));
            return ExecutionResult.succeeded("ok");
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> store.find(task.id()).orElseThrow().status() == TaskStatus.Completed);
        assertThat(store.find(task.id()).orElseThrow().progress()).isEqualTo(new Progress(100, "half way"));
    }

    private interface Behaviour {
        ExecutionResult run(Task task, ExecutionListener listener);
    }

    private Task start(InMemoryTaskStorage store, Behaviour behaviour) {
        TaskExecutor executor = new TaskExecutor() {
            @Override
            public ExecutionResult execute(Task task, ExecutionListener listener) {
                return behaviour.run(task, listener);
            }
        };
        orchestrator = new Orchestrator(OrchestratorConfig.defaults().withWorkers(1).withShutdownGrace(Duration.ofSeconds(5)),
                store, executor, Clock.systemUTC(), new TaskEventBus());
        orchestrator.start();
        return orchestrator.submit(Task.builder().name("outcome").command("nu").args(List.of("x.nu")));
    }

    /** A store several nodes could share: its compare-and-set compares, as PostgreSQL's does. */
    private static final class ComparingSharedStore extends InMemoryTaskStorage {
        private final Map<String, AtomicInteger> workerReads = new ConcurrentHashMap<>();
        final AtomicInteger refusedCompares = new AtomicInteger();

        @Override
        public boolean isShared() {
            return true;
        }

        @Override
        public Optional<Task> find(String id) {
            if (Thread.currentThread().getName().startsWith("worker-")) {
                workerReads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
            return super.find(id);
        }

        @Override
        public synchronized boolean compareAndSave(Task expected, Task next, QueueChange queue) {
            Optional<Task> current = super.find(expected.id());
            if (current.isEmpty() || !StoredState.same(current.get(), expected)) {
                refusedCompares.incrementAndGet();
                return false;
            }
            return super.compareAndSave(expected, next, queue);
        }

        int workerReads(String id) {
            return workerReads.getOrDefault(id, new AtomicInteger()).get();
        }
    }
}
