package io.provisioning.orchestrator.testing;

import io.provisioning.orchestrator.task.Priority;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskBuilder;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Readable fixtures: {@code aTask().withPriority(HIGH).running()}. */
public final class TaskFixtures {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private final TaskBuilder builder = Task.builder().command("nu")
            .args(List.of("main.nu", "servers", "create", "--infra", "test", "--settings", "./settings.yaml", "web-01"))
            .workflow("servers.create").infra("test").name("servers create (test): web-01");
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private TaskFixtures() {}

    public static TaskFixtures aTask() {
        TaskFixtures fixtures = new TaskFixtures();
        fixtures.builder.sequence(SEQUENCE.incrementAndGet());
        return fixtures;
    }

    public TaskFixtures withPriority(int priority) {
        builder.priority(priority);
        return this;
    }

    public TaskFixtures withSequence(long sequence) {
        builder.sequence(sequence);
        return this;
    }

    public TaskFixtures withIdempotencyKey(String key) {
        builder.idempotencyKey(key).requestHash("hash-of-" + key);
        return this;
    }

    public TaskFixtures withDependencies(String... ids) {
        builder.dependencies(List.of(ids));
        return this;
    }

    public TaskFixtures withWorkflow(String workflow) {
        builder.workflow(workflow);
        return this;
    }

    public TaskFixtures withInfra(String infra) {
        builder.infra(infra);
        return this;
    }

    public TaskFixtures createdAt(Instant at) {
        this.now = at;
        return this;
    }

    public TaskFixtures withMaxAttempts(int attempts) {
        builder.maxAttempts(attempts);
        return this;
    }

    public Task pending() {
        return builder.pending(now);
    }

    public Task running() {
        return pending().start(now.plusSeconds(1));
    }

    public Task completed() {
        return running().complete(now.plusSeconds(2), 0, "done");
    }

    public Task failed() {
        return running().fail(now.plusSeconds(2), 1, "", "exit code 1");
    }

    public static final int HIGH = Priority.HIGH;
    public static final int LOW = Priority.LOW;
}
