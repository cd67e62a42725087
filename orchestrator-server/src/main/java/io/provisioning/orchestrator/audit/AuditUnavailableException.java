package io.provisioning.orchestrator.audit;

import io.provisioning.orchestrator.OrchestratorException;

/** The audit log cannot take an entry (disk full, I/O error): the request is refused with 503 and changes nothing. */
public final class AuditUnavailableException extends OrchestratorException {
    public AuditUnavailableException(String message) {
        super(message);
    }
}
