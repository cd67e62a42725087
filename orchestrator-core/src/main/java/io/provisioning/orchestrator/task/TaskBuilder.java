package io.provisioning.orchestrator.task;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds a new Pending task. Defaults: normal priority, 3 attempts, 1 hour timeout. */
public final class TaskBuilder {
    private final Task.Draft d = new Task.Draft();

    TaskBuilder() {
        d.id = UUID.randomUUID().toString();
        d.name = "task";
        d.command = "nu";
        d.args = List.of();
        d.dependencies = List.of();
        d.locks = List.of();
        d.priority = Priority.NORMAL;
        d.maxAttempts = 3;
        d.timeoutSeconds = 3600;
    }

    public TaskBuilder id(String id) { d.id = id; return this; }
    public TaskBuilder name(String name) { d.name = name; return this; }
    public TaskBuilder command(String command) { d.command = command; return this; }
    public TaskBuilder args(List<String> args) { d.args = args; return this; }
    public TaskBuilder dependencies(List<String> dependencies) { d.dependencies = dependencies; return this; }
    public TaskBuilder priority(int priority) { d.priority = priority; return this; }
    public TaskBuilder maxAttempts(int maxAttempts) { d.maxAttempts = maxAttempts; return this; }
    public TaskBuilder timeoutSeconds(int timeoutSeconds) { d.timeoutSeconds = timeoutSeconds; return this; }
    public TaskBuilder workflow(String workflow) { d.workflow = workflow; return this; }
    public TaskBuilder infra(String infra) { d.infra = infra; return this; }
    public TaskBuilder sequence(long sequence) { d.sequence = sequence; return this; }
    public TaskBuilder idempotencyKey(String key) { d.idempotencyKey = key; return this; }
    public TaskBuilder requestHash(String hash) { d.requestHash = hash; return this; }
    public TaskBuilder locks(List<String> locks) { d.locks = locks; return this; }
    public TaskBuilder continueOnDependencyFailure(boolean c) { d.continueOnDependencyFailure = c; return this; }

    public String id() { return d.id; }
    public List<String> dependencies() { return d.dependencies; }

    public Task pending(Instant now) {
        d.status = TaskStatus.Pending;
        d.createdAt = now;
        d.updatedAt = now;
        d.progress = Progress.NONE;
        return d.build();
    }
}
