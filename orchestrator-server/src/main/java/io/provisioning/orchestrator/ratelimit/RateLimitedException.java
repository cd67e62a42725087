package io.provisioning.orchestrator.ratelimit;

import io.provisioning.orchestrator.OrchestratorException;

/** The client used up its allowance (HTTP 429); {@code retryAfterSeconds} goes into {@code Retry-After}. */
public class RateLimitedException extends OrchestratorException {
    private final long retryAfterSeconds;

    public RateLimitedException(long retryAfterSeconds) {
        super("too many requests; try again in " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
