package io.provisioning.orchestrator.execution;

/**
 * How an attempt ended. {@code exitCode} is null when the process never ran or was killed by us;
 * {@code output} is the bounded tail of stdout's log lines, {@code error} a one-paragraph reason.
 */
public record ExecutionResult(Outcome outcome, Integer exitCode, String output, String error) {

    /** INTERRUPTED: the orchestrator itself is stopping; the attempt is re-queued, not failed. */
    public enum Outcome { SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, INTERRUPTED }

    public static ExecutionResult succeeded(String output) {
        return new ExecutionResult(Outcome.SUCCEEDED, 0, output, null);
    }

    public boolean succeeded() {
        return outcome == Outcome.SUCCEEDED;
    }
}
