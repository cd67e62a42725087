package io.provisioning.orchestrator;

/**
 * A bounded resource (e.g. the cluster planning processes) is all in use: the request is refused
 * now, unchanged, and may be sent again after {@link #retryAfterSeconds()} (HTTP 429 with {@code Retry-After}).
 */
public class BusyException extends OrchestratorException {
    private final long retryAfterSeconds;

    public BusyException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
