package io.provisioning.orchestrator.task;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds a new Pending task; defaults are documented on each setter's field. */
public final class TaskBuilder {
    private String id = UUID.randomUUID().toString();
    private String name = "task";
    private String command = "nu";
    private List<String> args = List.of();
    private List<String> dependencies = List.of();
    private int priority = Priority.NORMAL;
    private int maxAttempts = 3;
    private int timeoutSeconds = 3600;
    private String workflow;
    private String infra;
    private long sequence;
    private String idempotencyKey;
    private String requestHash;

    TaskBuilder() {}

    public TaskBuilder id(String id) { this.id = id; return this; }
    public TaskBuilder name(String name) { this.name = name; return this; }
    public TaskBuilder command(String command) { this.command = command; return this; }
    public TaskBuilder args(List<String> args) { this.args = args; return this; }
    public TaskBuilder dependencies(List<String> dependencies) { this.dependencies = dependencies; return this; }
    public TaskBuilder priority(int priority) { this.priority = priority; return this; }
    public TaskBuilder maxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; return this; }
    public TaskBuilder timeoutSeconds(int timeoutSeconds) { this.timeoutSeconds = timeoutSeconds; return this; }
    public TaskBuilder workflow(String workflow) { this.workflow = workflow; return this; }
    public TaskBuilder infra(String infra) { this.infra = infra; return this; }
    public TaskBuilder sequence(long sequence) { this.sequence = sequence; return this; }
    public TaskBuilder idempotencyKey(String key) { this.idempotencyKey = key; return this; }
    public TaskBuilder requestHash(String hash) { this.requestHash = hash; return this; }

    public Task pending(Instant now) {
        return new Task(id, name, command, args, dependencies, TaskStatus.Pending, now, null, null, null, null,
                priority, 0, maxAttempts, null, timeoutSeconds, Progress.NONE, null, workflow, infra, now,
                sequence, idempotencyKey, requestHash);
    }
}
