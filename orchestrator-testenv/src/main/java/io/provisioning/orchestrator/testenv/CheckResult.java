package io.provisioning.orchestrator.testenv;

import java.time.Instant;

/**
 * The outcome of one check in one node. {@code kind}: check (the taskserv's own), idempotence
 * (installing again changed nothing) or topology (across nodes). {@code duration} is the same
 * time as {@code duration_ms}, in seconds.
 */
public record CheckResult(String name, String kind, String taskserv, String node, boolean passed, boolean skipped,
        String output, Integer exitCode, long durationMs, double duration, Instant startedAt) {

    public static CheckResult of(String name, String kind, String taskserv, String node, boolean passed, String output,
            Integer exitCode, long durationMs, Instant startedAt) {
        return new CheckResult(name, kind, taskserv, node, passed, false, output, exitCode, durationMs,
                durationMs / 1000.0, startedAt);
    }

    public static CheckResult skipped(String name, String taskserv, String node, String why, Instant at) {
        return new CheckResult(name, "check", taskserv, node, false, true, why, null, 0, 0, at);
    }
}
