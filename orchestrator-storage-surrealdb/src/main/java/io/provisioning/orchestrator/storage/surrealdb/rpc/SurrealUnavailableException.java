package io.provisioning.orchestrator.storage.surrealdb.rpc;

/**
 * SurrealDB cannot be reached right now: no connection, the connection dropped while the request
 * was out, or no answer in time. Whether the request took effect is unknown when it was sent.
 */
public class SurrealUnavailableException extends SurrealException {
    public SurrealUnavailableException(String message) {
        super(message);
    }

    public SurrealUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
