package io.provisioning.orchestrator.storage.surrealdb.rpc;

/** No answer within the request timeout. The request may still take effect on the server. */
public class SurrealTimeoutException extends SurrealUnavailableException {
    public SurrealTimeoutException(String message) {
        super(message);
    }
}
