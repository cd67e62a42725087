package io.provisioning.orchestrator.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A validated workflow submission, made with {@link #builder}. {@code target} is the taskserv or
 * cluster type (null for servers); {@code servers} may be empty for taskserv (all servers of the
 * infra) and cluster. Optional numbers are null when the caller left them out.
 */
public final class WorkflowRequest {
    private final WorkflowKind kind;
    private final String operation;
    private final String infra;
    private final String settings;
    private final String target;
    private final List<String> servers;
    private final boolean checkMode;
    private final boolean waitForReady;
    private final Integer priority;
    private final Integer maxAttempts;
    private final Integer timeoutSeconds;
    private final List<String> dependsOn;
    private final boolean continueOnDependencyFailure;

    private WorkflowRequest(Builder b) {
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.operation = Objects.requireNonNull(b.operation, "operation");
        this.infra = Objects.requireNonNull(b.infra, "infra");
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.target = b.target;
        this.servers = List.copyOf(b.servers);
        this.checkMode = b.checkMode;
        this.waitForReady = b.waitForReady;
        this.priority = b.priority;
        this.maxAttempts = b.maxAttempts;
        this.timeoutSeconds = b.timeoutSeconds;
        this.dependsOn = List.copyOf(b.dependsOn);
        this.continueOnDependencyFailure = b.continueOnDependencyFailure;
    }

    /** A {@code kind operation} on {@code infra} with {@code settings}; everything else has its default. */
    public static Builder builder(WorkflowKind kind, String operation, String infra, String settings) {
        Builder b = new Builder();
        b.kind = kind;
        b.operation = operation;
        b.infra = infra;
        b.settings = settings;
        return b;
    }

    /** A builder holding every field of this request. */
    public Builder toBuilder() {
        return builder(kind, operation, infra, settings).target(target).servers(servers).checkMode(checkMode)
                .waitForReady(waitForReady).priority(priority).maxAttempts(maxAttempts).timeoutSeconds(timeoutSeconds)
                .dependsOn(dependsOn).continueOnDependencyFailure(continueOnDependencyFailure);
    }

    public WorkflowKind kind() { return kind; }
    public String operation() { return operation; }
    public String infra() { return infra; }
    public String settings() { return settings; }
    public String target() { return target; }
    public List<String> servers() { return servers; }
    public boolean checkMode() { return checkMode; }
    public boolean waitForReady() { return waitForReady; }
    public Integer priority() { return priority; }
    public Integer maxAttempts() { return maxAttempts; }
    public Integer timeoutSeconds() { return timeoutSeconds; }
    public List<String> dependsOn() { return dependsOn; }
    public boolean continueOnDependencyFailure() { return continueOnDependencyFailure; }

    /** The same request, now also waiting for {@code more} tasks. */
    public WorkflowRequest dependingOn(List<String> more) {
        List<String> all = new ArrayList<>(dependsOn);
        more.stream().filter(id -> !all.contains(id)).forEach(all::add);
        return toBuilder().dependsOn(all).build();
    }

    /** Concurrency keys: one per server it touches, its workflow type and its infra. */
    public List<String> lockKeys() {
        List<String> keys = new ArrayList<>();
        servers.forEach(s -> keys.add("server:" + infra + "/" + s));
        keys.add("workflow:" + kind.word() + "." + operation);
        keys.add("infra:" + infra);
        return keys;
    }

    /** The words after the entry script, exactly as the script receives them. */
    public List<String> scriptWords() {
        List<String> words = new ArrayList<>();
        words.add(kind.word());
        words.add(operation);
        if (target != null) {
            words.add(target);
        }
        words.add("--infra");
        words.add(infra);
        words.add("--settings");
        words.add(settings);
        if (checkMode) {
            words.add("--check");
        }
        if (waitForReady) {
            words.add("--wait");
        }
        words.addAll(servers);
        return words;
    }

    /** A short human name, e.g. {@code servers create production: web-01, web-02}. */
    public String displayName() {
        String subject = target != null ? " " + target : "";
        String on = servers.isEmpty() ? "" : ": " + String.join(", ", servers);
        return kind.word() + " " + operation + subject + " (" + infra + ")" + on;
    }

    @Override
    public String toString() {
        return "WorkflowRequest[" + displayName() + "]";
    }

    /** Defaults: no target, no servers, no check mode, no wait, the server's priority/attempts/timeout, no dependencies. */
    public static final class Builder {
        private WorkflowKind kind;
        private String operation;
        private String infra;
        private String settings;
        private String target;
        private List<String> servers = List.of();
        private boolean checkMode;
        private boolean waitForReady;
        private Integer priority;
        private Integer maxAttempts;
        private Integer timeoutSeconds;
        private List<String> dependsOn = List.of();
        private boolean continueOnDependencyFailure;

        private Builder() {}

        public Builder kind(WorkflowKind kind) { this.kind = kind; return this; }
        public Builder target(String target) { this.target = target; return this; }
        public Builder servers(List<String> servers) { this.servers = servers; return this; }
        public Builder checkMode(boolean checkMode) { this.checkMode = checkMode; return this; }
        public Builder waitForReady(boolean waitForReady) { this.waitForReady = waitForReady; return this; }
        public Builder priority(Integer priority) { this.priority = priority; return this; }
        public Builder maxAttempts(Integer maxAttempts) { this.maxAttempts = maxAttempts; return this; }
        public Builder timeoutSeconds(Integer timeoutSeconds) { this.timeoutSeconds = timeoutSeconds; return this; }
        public Builder dependsOn(List<String> dependsOn) { this.dependsOn = dependsOn; return this; }
        public Builder continueOnDependencyFailure(boolean c) { this.continueOnDependencyFailure = c; return this; }

        public WorkflowRequest build() {
            return new WorkflowRequest(this);
        }
    }
}
