package io.provisioning.orchestrator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.LeaseStatus;
import io.provisioning.orchestrator.storage.QueueChange;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A {@link TaskStorage} that times every operation: {@code orchestrator_storage_operation_seconds{backend,operation}}. */
public final class TimedTaskStorage implements TaskStorage {
    private final TaskStorage inner;
    private final MeterRegistry registry;

    public TimedTaskStorage(TaskStorage inner, MeterRegistry registry) {
        this.inner = inner;
        this.registry = registry;
    }

    private static final java.time.Duration[] BUCKETS = {java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5),
        java.time.Duration.ofMillis(25), java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(500)};

    private <T> T timed(String operation, Supplier<T> call) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "ok";
        try {
            return call.get();
        } catch (RuntimeException e) {
            outcome = "error";
            throw e;
        } finally {
            sample.stop(Timer.builder("orchestrator.storage.operation").description("storage operations by backend")
                    .tags("backend", inner.type(), "operation", operation, "outcome", outcome)
                    .serviceLevelObjectives(BUCKETS).register(registry));
        }
    }

    private void timed(String operation, Runnable call) {
        timed(operation, () -> {
            call.run();
            return null;
        });
    }

    @Override
    public String type() {
        return inner.type();
    }

    @Override
    public java.util.Map<String, Integer> formatVersions() {
        return inner.formatVersions();
    }

    @Override
    public void save(Task task) {
        timed("save", () -> inner.save(task));
    }

    @Override
    public void saveAndEnqueue(Task task) {
        timed("save_and_enqueue", () -> inner.saveAndEnqueue(task));
    }

    @Override
    public void saveAndDequeue(Task task) {
        timed("save_and_dequeue", () -> inner.saveAndDequeue(task));
    }

    @Override
    public boolean delete(String id) {
        return timed("delete", () -> inner.delete(id));
    }

    @Override
    public Optional<Task> find(String id) {
        return timed("find", () -> inner.find(id));
    }

    @Override
    public Optional<Task> findToClaim(String id) {
        return timed("find_to_claim", () -> inner.findToClaim(id));
    }

    @Override
    public TaskPage list(TaskQuery query) {
        return timed("list", () -> inner.list(query));
    }

    @Override
    public Map<TaskStatus, Long> countByStatus(TaskQuery filter) {
        return timed("count_by_status", () -> inner.countByStatus(filter));
    }

    @Override
    public List<Task> findUnfinished() {
        return timed("find_unfinished", inner::findUnfinished);
    }

    @Override
    public List<String> queuedTaskIds() {
        return timed("queued_task_ids", inner::queuedTaskIds);
    }

    @Override
    public Optional<Task> findByIdempotencyKey(String key) {
        return timed("find_by_idempotency_key", () -> inner.findByIdempotencyKey(key));
    }

    @Override
    public Optional<IdempotencyRecord> saveSubmission(List<Task> tasks, IdempotencyRecord idempotency) {
        return timed("save_submission", () -> inner.saveSubmission(tasks, idempotency));
    }

    @Override
    public Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
        return timed("find_idempotency_record", () -> inner.findIdempotencyRecord(key));
    }

    @Override
    public long maxSequence() {
        return timed("max_sequence", inner::maxSequence);
    }

    @Override
    public void checkHealth() {
        timed("check_health", inner::checkHealth);
    }

    @Override
    public boolean isShared() {
        return inner.isShared();
    }

    @Override
    public Optional<LeaseStatus> leaseStatus() {
        return inner.leaseStatus(); // in memory, asked every quarter second: not timed
    }

    @Override
    public boolean compareAndSave(Task expected, Task next, QueueChange queue) {
        return timed("compare_and_save", () -> inner.compareAndSave(expected, next, queue));
    }

    @Override
    public List<Task> findOrphaned(boolean atStart) {
        return timed("find_orphaned", () -> inner.findOrphaned(atStart));
    }

    @Override
    public AutoCloseable watchOtherNodes(Consumer<Task> changed) {
        return inner.watchOtherNodes(changed);
    }

    @Override
    public List<Task> scan(long afterSequence, int limit) {
        return timed("scan", () -> inner.scan(afterSequence, limit));
    }

    @Override
    public void importBatch(List<Task> tasks, Set<String> queued) {
        timed("import_batch", () -> inner.importBatch(tasks, queued));
    }

    @Override
    public List<IdempotencyRecord> scanIdempotencyRecords(String afterKey, int limit) {
        return timed("scan_idempotency_records", () -> inner.scanIdempotencyRecords(afterKey, limit));
    }

    @Override
    public void importIdempotencyRecords(List<IdempotencyRecord> records) {
        timed("import_idempotency_records", () -> inner.importIdempotencyRecords(records));
    }

    @Override
    public long count() {
        return timed("count", inner::count);
    }

    @Override
    public List<Task> scanFinishedBefore(java.time.Instant cutoff, long afterSequence, int limit) {
        return timed("scan_finished_before", () -> inner.scanFinishedBefore(cutoff, afterSequence, limit));
    }

    @Override
    public java.util.Map<io.provisioning.orchestrator.task.TaskStatus, java.util.Map<Integer, Long>> countsByStatusAndPriority() {
        return timed("counts_by_status", inner::countsByStatusAndPriority);
    }

    @Override
    public void close() {
        inner.close();
    }
}
