package io.provisioning.orchestrator.engine;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.ConflictException;
import io.provisioning.orchestrator.events.RecordedEvent;
import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.execution.NoopExecutor;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskNotFoundException;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import io.provisioning.orchestrator.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retention sweep and DELETE of one task, on the engine with the real event logs. */
class ExpireFinishedTasksTest {
    private static final Instant FINISHED = Instant.parse("2026-01-01T00:00:02Z"); // when the fixtures finish

    @TempDir Path logs;
    private final MutableClock clock = new MutableClock(FINISHED.plus(Duration.ofDays(10)));
    private final InMemoryTaskStorage storage = new InMemoryTaskStorage();
    private final TaskEventBus bus = new TaskEventBus();
    private final List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
    private TaskEventStore events;
    private Orchestrator orchestrator;

    @BeforeEach
    void open() {
        events = new TaskEventStore(logs, clock, 1_000_000, 1000);
        bus.subscribe(events);
        events.subscribeAll(seen::add);
    }

    @AfterEach
    void close() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        events.close();
    }

    private Orchestrator engine(TaskRetention retention) {
        orchestrator = new Orchestrator(OrchestratorConfig.defaults().withRetention(retention), storage,
                new NoopExecutor(), clock, bus);
        return orchestrator;
    }

    private Task stored(Task task) {
        storage.save(task);
        bus.publish(new TaskEvent.Changed(task));
        bus.publish(new TaskEvent.LogLine(task.id(), 1, "stdout", "hello from " + task.id()));
        return task;
    }

    @Test
    void a_sweep_deletes_finished_tasks_older_than_the_retention_with_their_logs_and_keeps_the_rest() {
        Task completed = stored(aTask().completed());
        Task failed = stored(aTask().failed());
        Task cancelled = stored(aTask().pending().cancel(FINISHED, "by request"));
        Task neededDependency = stored(aTask().completed());
        Task pending = stored(aTask().withDependencies(neededDependency.id()).pending());
        Task running = stored(aTask().running());
        Task recent = stored(aTask().createdAt(clock.instant().minus(Duration.ofDays(1))).completed());
        events.read(recent.id(), 0); // every log line is on disk

        int deleted = engine(TaskRetention.days(7, Duration.ofMinutes(10))).expireFinishedTasks();

        assertThat(deleted).isEqualTo(3);
        for (Task gone : List.of(completed, failed, cancelled)) {
            assertThat(storage.find(gone.id())).as("task %s", gone.status()).isEmpty();
            await().untilAsserted(() -> assertThat(logs.resolve(gone.id())).doesNotExist());
        }
        for (Task kept : List.of(neededDependency, pending, running, recent)) {
            assertThat(storage.find(kept.id())).contains(kept);
            assertThat(logs.resolve(kept.id()).resolve("events.log")).exists();
        }
        assertThat(seen).filteredOn(e -> e.type().equals("deleted")).extracting(RecordedEvent::taskId)
                .containsExactlyInAnyOrder(completed.id(), failed.id(), cancelled.id());
    }

    @Test
    void keeping_forever_deletes_nothing() {
        Task old = stored(aTask().completed());
        clock.advance(Duration.ofDays(10_000));
        assertThat(engine(TaskRetention.FOREVER).expireFinishedTasks()).isZero();
        assertThat(storage.find(old.id())).contains(old);
    }

    @Test
    void the_sweep_runs_by_itself_once_the_engine_starts() {
        Task old = stored(aTask().completed());
        engine(new TaskRetention(Duration.ofDays(1), Duration.ofMillis(50))).start();
        await().until(() -> storage.find(old.id()).isEmpty());
        Task later = stored(aTask().createdAt(clock.instant()).completed());
        clock.advance(Duration.ofDays(2));
        await().until(() -> storage.find(later.id()).isEmpty());
    }

    @Test
    void deleting_one_task_takes_only_a_finished_one_that_no_unfinished_task_needs() {
        Task done = stored(aTask().completed());
        Task needed = stored(aTask().failed());
        Task dependent = stored(aTask().withDependencies(needed.id()).pending());
        Orchestrator engine = engine(TaskRetention.FOREVER);

        assertThatThrownBy(() -> engine.delete("00000000-0000-0000-0000-00000000dead"))
                .isInstanceOf(TaskNotFoundException.class);
        assertThatThrownBy(() -> engine.delete(dependent.id())).isInstanceOf(ConflictException.class)
                .hasMessageContaining("is Pending").hasMessageContaining("cancel it first");
        assertThatThrownBy(() -> engine.delete(needed.id())).isInstanceOf(ConflictException.class)
                .hasMessageContaining("dependency of unfinished task " + dependent.id());
        assertThat(storage.find(needed.id())).isPresent();

        assertThat(engine.delete(done.id())).isEqualTo(done);
        assertThat(storage.find(done.id())).isEmpty();
        await().untilAsserted(() -> assertThat(logs.resolve(done.id())).doesNotExist());
        assertThatThrownBy(() -> engine.delete(done.id())).isInstanceOf(TaskNotFoundException.class);
    }
}
