package io.provisioning.orchestrator.metrics;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.provisioning.orchestrator.events.StatusChanges;
import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.task.Priority;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskMetricsTest {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TaskMetrics metrics = new TaskMetrics(registry, () -> 7);
    StatusChanges changes = new StatusChanges().listen(metrics);

    @Test
    void counts_tasks_by_status_and_priority_as_they_change() {
        Task pending = aTask().withPriority(Priority.HIGH).pending();
        changes.accept(new TaskEvent.Changed(pending));
        assertThat(tasks("Pending", "high")).isEqualTo(1);
        Task running = pending.start(Instant.parse("2026-01-01T00:00:03Z"));
        changes.accept(new TaskEvent.Changed(running));
        changes.accept(new TaskEvent.Changed(running.withProgress(Instant.parse("2026-01-01T00:00:04Z"),
                new io.provisioning.orchestrator.task.Progress(50, "half"))));
        assertThat(tasks("Pending", "high")).isZero();
        assertThat(tasks("Running", "high")).isEqualTo(1);
        assertThat(registry.get("orchestrator.tasks.running").gauge().value()).isEqualTo(1);
        assertThat(registry.get("orchestrator.queue.depth").gauge().value()).isEqualTo(7);
        assertThat(registry.get("orchestrator.task.submit.to.start").tag("workflow", "servers.create").timer()
                .totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    void records_retries_failures_attempts_and_duration_per_workflow() {
        Task running = aTask().withMaxAttempts(2).running();
        changes.accept(new TaskEvent.Changed(running));
        Task retry = running.retryLater(Instant.parse("2026-01-01T00:00:05Z"), Instant.parse("2026-01-01T00:00:06Z"), 3,
                "", "boom");
        changes.accept(new TaskEvent.Changed(retry));
        Task again = retry.start(Instant.parse("2026-01-01T00:00:06Z"));
        changes.accept(new TaskEvent.Changed(again));
        changes.accept(new TaskEvent.Changed(again.fail(Instant.parse("2026-01-01T00:00:10Z"), 3, "", "boom")));
        assertThat(registry.get("orchestrator.task.retries").tag("workflow", "servers.create").counter().count()).isEqualTo(1);
        assertThat(registry.get("orchestrator.task.failures").tag("workflow", "servers.create").counter().count()).isEqualTo(1);
        assertThat(registry.get("orchestrator.task.attempts").summary().totalAmount()).isEqualTo(2);
        assertThat(registry.get("orchestrator.task.duration").tags("workflow", "servers.create", "status", "Failed").timer()
                .totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(10);
        assertThat(tasks("Failed", "normal")).isEqualTo(1);
        assertThat(tasks("Running", "normal")).isZero();
    }

    @Test
    void starts_from_what_storage_holds() {
        InMemoryTaskStorage storage = new InMemoryTaskStorage();
        storage.save(aTask().completed());
        storage.save(aTask().withPriority(Priority.LOW).pending());
        changes.rememberUnfinished(storage);
        metrics.countExisting(storage.countsByStatusAndPriority());
        assertThat(tasks("Completed", "normal")).isEqualTo(1);
        assertThat(tasks("Pending", "low")).isEqualTo(1);
    }

    @Test
    void a_late_pending_event_does_not_count_as_a_retry_or_a_second_start() {
        Task pending = aTask().pending();
        Task running = pending.start(Instant.parse("2026-01-01T00:00:01Z"));
        changes.accept(new TaskEvent.Changed(running));
        changes.accept(new TaskEvent.Changed(pending));
        changes.accept(new TaskEvent.Changed(running.complete(Instant.parse("2026-01-01T00:00:02Z"), 0, "ok")));
        assertThat(registry.find("orchestrator.task.retries").counter()).isNull();
        assertThat(registry.get("orchestrator.task.submit.to.start").timer().count()).isEqualTo(1);
        assertThat(tasks("Completed", "normal")).isEqualTo(1);
        assertThat(tasks("Pending", "normal")).isZero();
        assertThat(tasks("Running", "normal")).isZero();
    }

    private double tasks(String status, String priority) {
        return registry.get("orchestrator.tasks").tags("status", status, "priority", priority).gauge().value();
    }
}
