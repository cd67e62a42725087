package io.provisioning.orchestrator.auth;

import io.provisioning.orchestrator.OrchestratorException;

/**
 * No usable token (HTTP 401). The message never says why a token failed beyond "invalid" or
 * "expired", so a caller cannot probe keys, issuers or audiences.
 */
public class UnauthorizedException extends OrchestratorException {
    public enum Reason { MISSING, INVALID, EXPIRED }

    private final Reason reason;

    public UnauthorizedException(Reason reason) {
        super(switch (reason) {
            case MISSING -> "authentication required: send 'Authorization: Bearer <token>'";
            case INVALID -> "invalid token";
            case EXPIRED -> "token expired";
        });
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
