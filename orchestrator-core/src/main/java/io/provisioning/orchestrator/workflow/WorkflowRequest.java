package io.provisioning.orchestrator.workflow;

import java.util.List;

/**
 * A validated workflow submission. {@code target} is the taskserv or cluster type (null for
 * servers); {@code servers} may be empty for taskserv (all servers of the infra) and cluster.
 * Optional fields are null when the caller left them out.
 */
public record WorkflowRequest(
        WorkflowKind kind,
        String operation,
        String infra,
        String settings,
        String target,
        List<String> servers,
        boolean checkMode,
        boolean waitForReady,
        Integer priority,
        Integer maxAttempts,
        Integer timeoutSeconds,
        List<String> dependsOn,
        boolean continueOnDependencyFailure) {

    /** The same request, now also waiting for {@code more} tasks. */
    public WorkflowRequest dependingOn(List<String> more) {
        var all = new java.util.ArrayList<>(dependsOn);
        more.stream().filter(id -> !all.contains(id)).forEach(all::add);
        return new WorkflowRequest(kind, operation, infra, settings, target, servers, checkMode, waitForReady,
                priority, maxAttempts, timeoutSeconds, all, continueOnDependencyFailure);
    }

    /** Concurrency keys: one per server it touches, its workflow type and its infra. */
    public List<String> lockKeys() {
        var keys = new java.util.ArrayList<String>();
        servers.forEach(s -> keys.add("server:" + infra + "/" + s));
        keys.add("workflow:" + kind.word() + "." + operation);
        keys.add("infra:" + infra);
        return keys;
    }

    /** The words after the entry script, exactly as the script receives them. */
    public List<String> scriptWords() {
        var words = new java.util.ArrayList<String>();
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
}
