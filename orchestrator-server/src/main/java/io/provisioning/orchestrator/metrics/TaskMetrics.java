package io.provisioning.orchestrator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.provisioning.orchestrator.events.StatusChanges;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Task meters, kept from the engine's status changes: how many tasks are in each status and
 * priority band, queue depth and running tasks, and per workflow: duration from submission to the
 * end, attempts, failures, retries and the wait from submission to first start. Counts start from
 * what storage holds at boot ({@link #countExisting}: the store's counts, no task read), then follow every change.
 */
public final class TaskMetrics implements StatusChanges.Listener {
    private static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)};
    private final MeterRegistry registry;
    private final Map<Mark, AtomicLong> counts = new ConcurrentHashMap<>();

    private record Mark(TaskStatus status, PriorityBand band) {}

    public TaskMetrics(MeterRegistry registry, IntSupplier queueDepth) {
        this.registry = registry;
        for (TaskStatus status : TaskStatus.values()) {
            for (PriorityBand band : PriorityBand.values()) {
                AtomicLong count = counts.computeIfAbsent(new Mark(status, band), m -> new AtomicLong());
                Gauge.builder("orchestrator.tasks", count, AtomicLong::get).description("tasks by status and priority")
                        .tags("status", status.name(), "priority", band.name()).register(registry);
            }
        }
        Gauge.builder("orchestrator.queue.depth", queueDepth::getAsInt)
                .description("tasks waiting to run (queued or held back by dependencies)").register(registry);
        Gauge.builder("orchestrator.tasks.running", this, m -> m.countIn(TaskStatus.Running))
                .description("tasks running now").register(registry);
    }

    /** Counts the tasks storage holds at start, before events flow ({@code status -> priority -> count}). */
    public void countExisting(Map<TaskStatus, Map<Integer, Long>> stored) {
        stored.forEach((status, byPriority) -> byPriority.forEach((priority, n) ->
                counts.get(new Mark(status, PriorityBand.of(priority))).addAndGet(n)));
    }

    @Override
    public void changed(Task task, TaskStatus previous) {
        PriorityBand band = PriorityBand.of(task.priority());
        if (previous != null) {
            counts.get(new Mark(previous, band)).decrementAndGet();
        }
        counts.get(new Mark(task.status(), band)).incrementAndGet();
        onTransition(task, previous);
    }
    @Override
    public void deleted(Task task) {
        counts.get(new Mark(task.status(), PriorityBand.of(task.priority()))).decrementAndGet();
    }

    private void onTransition(Task task, TaskStatus was) {
        String workflow = task.workflow() == null ? "unknown" : task.workflow();
        switch (task.status()) {
            case Running -> {
                if (task.attempts() == 1 && task.startedAt() != null && task.createdAt() != null) {
                    meter("start", workflow, null, () -> Timer.builder("orchestrator.task.submit.to.start")
                            .description("wait from submission to first start")
                            .tag("workflow", workflow).serviceLevelObjectives(DURATION_BUCKETS).register(registry), Timer.class)
                            .record(Duration.between(task.createdAt(), task.startedAt()));
                }
            }
            case Pending -> {
                if (was != null) {
                    meter("retries", workflow, null, () -> Counter.builder("orchestrator.task.retries")
                            .description("tasks sent back to the queue for another attempt")
                            .tag("workflow", workflow).register(registry), Counter.class).increment();
                }
            }
            case Completed, Failed, Cancelled -> {
                if (task.completedAt() != null && task.createdAt() != null) {
                    meter("duration", workflow, task.status(), () -> Timer.builder("orchestrator.task.duration")
                            .description("time from submission to the end")
                            .tags("workflow", workflow, "status", task.status().name())
                            .serviceLevelObjectives(DURATION_BUCKETS).register(registry), Timer.class)
                            .record(Duration.between(task.createdAt(), task.completedAt()));
                }
                meter("attempts", workflow, null, () -> DistributionSummary.builder("orchestrator.task.attempts")
                        .description("attempts a finished task took")
                        .tag("workflow", workflow).serviceLevelObjectives(1, 2, 3, 5, 10).register(registry),
                        DistributionSummary.class).record(task.attempts());
                if (task.status() == TaskStatus.Failed) {
                    meter("failures", workflow, null, () -> Counter.builder("orchestrator.task.failures")
                            .description("tasks that failed for good")
                            .tag("workflow", workflow).register(registry), Counter.class).increment();
                }
            }
        }
    }

    /** Meters by kind, workflow and status, each registered once (workflows are the API's few names). */
    private record MeterKey(String kind, String workflow, TaskStatus status) {}

    private final Map<MeterKey, Object> meters = new ConcurrentHashMap<>();

    private <M> M meter(String kind, String workflow, TaskStatus status, java.util.function.Supplier<M> register,
            Class<M> type) {
        return type.cast(meters.computeIfAbsent(new MeterKey(kind, workflow, status), k -> register.get()));
    }

    private long countIn(TaskStatus status) {
        long total = 0;
        for (PriorityBand band : PriorityBand.values()) {
            total += counts.get(new Mark(status, band)).get();
        }
        return total;
    }
}
