package io.provisioning.orchestrator;

/** The request is well formed but clashes with the current state (HTTP 409). */
public class ConflictException extends OrchestratorException {
    public ConflictException(String message) {
        super(message);
    }
}
