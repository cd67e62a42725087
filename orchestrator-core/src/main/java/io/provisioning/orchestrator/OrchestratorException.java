package io.provisioning.orchestrator;

/**
 * Root of every error the orchestrator raises on purpose. Unchecked: callers that can do
 * something about a specific failure catch the subclass; the HTTP edge maps each subclass
 * to one status code, once.
 */
public class OrchestratorException extends RuntimeException {
    public OrchestratorException(String message) {
        super(message);
    }

    public OrchestratorException(String message, Throwable cause) {
        super(message, cause);
    }
}
