package io.provisioning.orchestrator.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.engine.OrchestratorConfig;
import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.ExecutionListener;
import io.provisioning.orchestrator.execution.ExecutionResult;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine on the real journal, whose writers wait interruptibly for the fdatasync. */
class ShutdownWithRunningTaskTest {
    @TempDir
    Path dataDir;

    /** Like the Nushell executor: on interrupt, ends the attempt and keeps the thread's interrupt flag. */
    static final class RunsUntilInterrupted implements TaskExecutor {
        @Override
        public ExecutionResult execute(Task task, ExecutionListener listener) {
            try {
                Thread.sleep(Duration.ofMinutes(5));
                return ExecutionResult.succeeded("");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ExecutionResult(ExecutionResult.Outcome.INTERRUPTED, null, "", "interrupted");
            }
        }
    }

    @Test
    void a_task_interrupted_by_shutdown_is_requeued_and_announced() {
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        TaskEventBus events = new TaskEventBus();
        events.subscribe(e -> {
            if (e instanceof TaskEvent.Changed changed) {
                seen.add(changed.task().status());
            }
        });
        try (FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir)) {
            Orchestrator orchestrator = new Orchestrator(OrchestratorConfig.defaults().withWorkers(1)
                    .withShutdownGrace(Duration.ZERO), storage, new RunsUntilInterrupted(), Clock.systemUTC(), events);
            orchestrator.start();
            Task task = orchestrator.submit(Task.builder());
            await().atMost(Duration.ofSeconds(10)).until(() -> orchestrator.get(task.id()).status() == TaskStatus.Running);

            orchestrator.close();

            assertThat(storage.find(task.id())).get().extracting(Task::status).isEqualTo(TaskStatus.Pending);
            assertThat(seen).containsExactly(TaskStatus.Pending, TaskStatus.Running, TaskStatus.Pending);
        }
    }
}
