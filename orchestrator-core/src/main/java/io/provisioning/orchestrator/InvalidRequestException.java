package io.provisioning.orchestrator;

/** The caller sent something we will not act on; the message is one sentence they can fix it from. */
public class InvalidRequestException extends OrchestratorException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
