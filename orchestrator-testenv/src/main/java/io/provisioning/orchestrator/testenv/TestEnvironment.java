package io.provisioning.orchestrator.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * An environment as stored and as the API shows it. Immutable: every change makes a new
 * value through one of the {@code with…} methods.
 */
public record TestEnvironment(
        String id,
        EnvironmentType type,
        String infra,
        EnvironmentStatus status,
        String message,
        String error,
        boolean autoStart,
        boolean autoCleanup,
        String template,
        JsonNode config,
        NetworkInfo network,
        List<ContainerInfo> containers,
        List<CheckResult> results,
        int runs,
        Instant createdAt,
        Instant updatedAt,
        Instant readyAt,
        Instant lastRunAt,
        Instant finishedAt,
        boolean cleanedUp,
        Instant cleanedUpAt) {

    public TestEnvironment {
        containers = containers == null ? List.of() : List.copyOf(containers);
        results = results == null ? List.of() : List.copyOf(results);
    }

    /** The environment's Docker network: name, id and subnet (chosen by Docker when none was asked for). */
    public record NetworkInfo(String name, String id, String subnet) {}

    /** One node's container. */
    public record ContainerInfo(String name, String id, String node, String role, String image, List<String> taskservs,
            Integer cpuMillicores, Integer memoryMb, List<String> volumes) {}

    public static TestEnvironment creating(String id, EnvironmentType type, String infra, boolean autoStart,
            boolean autoCleanup, String template, JsonNode config, NetworkInfo network, Instant now) {
        return new TestEnvironment(id, type, infra, EnvironmentStatus.Creating, "queued", null, autoStart, autoCleanup,
                template, config, network, List.of(), List.of(), 0, now, now, null, null, null, false, null);
    }

    /** Moves to {@code next}; throws {@link IllegalStateException} on a change the lifecycle does not allow. */
    public TestEnvironment becoming(EnvironmentStatus next, String newMessage, Instant now) {
        if (!status.canBecome(next)) {
            throw new IllegalStateException("environment " + id + " cannot go from " + status + " to " + next);
        }
        return new TestEnvironment(id, type, infra, next, newMessage, next == EnvironmentStatus.Failed ? error : null,
                autoStart, autoCleanup, template, config, network, containers, results, runs, createdAt, now,
                next == EnvironmentStatus.Ready ? now : readyAt,
                next == EnvironmentStatus.Running ? now : lastRunAt,
                next == EnvironmentStatus.Completed || next == EnvironmentStatus.Failed ? now : finishedAt,
                cleanedUp, cleanedUpAt);
    }

    public TestEnvironment failed(String why, Instant now) {
        TestEnvironment failed = becoming(EnvironmentStatus.Failed, "failed", now);
        return new TestEnvironment(id, type, infra, failed.status, failed.message, why, autoStart, autoCleanup,
                template, config, network, containers, results, runs, createdAt, now, readyAt, lastRunAt,
                failed.finishedAt, cleanedUp, cleanedUpAt);
    }

    public TestEnvironment withMessage(String newMessage, Instant now) {
        return new TestEnvironment(id, type, infra, status, newMessage, error, autoStart, autoCleanup, template, config,
                network, containers, results, runs, createdAt, now, readyAt, lastRunAt, finishedAt, cleanedUp,
                cleanedUpAt);
    }

    public TestEnvironment withNetwork(NetworkInfo newNetwork, Instant now) {
        return new TestEnvironment(id, type, infra, status, "network " + newNetwork.name() + " created", error, autoStart, autoCleanup, template, config,
                newNetwork, containers, results, runs, createdAt, now, readyAt, lastRunAt, finishedAt, cleanedUp,
                cleanedUpAt);
    }

    public TestEnvironment withContainer(ContainerInfo container, Instant now) {
        List<ContainerInfo> more = new java.util.ArrayList<>(containers);
        more.add(container);
        return new TestEnvironment(id, type, infra, status, "node " + container.node() + " started", error, autoStart, autoCleanup, template, config,
                network, more, results, runs, createdAt, now, readyAt, lastRunAt, finishedAt, cleanedUp, cleanedUpAt);
    }

    /** The outcome of a run: its results, Completed when every check that ran passed, else Failed. */
    public TestEnvironment finishedRun(List<CheckResult> newResults, Instant now) {
        boolean passed = !newResults.isEmpty() && newResults.stream().filter(r -> !r.skipped()).allMatch(CheckResult::passed);
        long failedCount = newResults.stream().filter(r -> !r.skipped() && !r.passed()).count();
        TestEnvironment next = becoming(passed ? EnvironmentStatus.Completed : EnvironmentStatus.Failed,
                passed ? "all checks passed" : failedCount + " of " + newResults.size() + " checks failed", now);
        return new TestEnvironment(id, type, infra, next.status, next.message,
                passed ? null : "checks failed: " + newResults.stream().filter(r -> !r.skipped() && !r.passed())
                        .map(r -> r.name() + (r.node() == null ? "" : "@" + r.node())).toList(),
                autoStart, autoCleanup, template, config, network, containers, newResults, runs + 1, createdAt, now,
                readyAt, lastRunAt, now, cleanedUp, cleanedUpAt);
    }

    public TestEnvironment cleanedUp(Instant now) {
        return new TestEnvironment(id, type, infra, status, message, error, autoStart, autoCleanup, template, config,
                network, containers, results, runs, createdAt, now, readyAt, lastRunAt, finishedAt, true, now);
    }

    /** Created (Ready was reached), not cleaned up: its containers can run checks. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isProvisioned() {
        return readyAt != null && !cleanedUp;
    }
}
