package io.provisioning.orchestrator.storage.surrealdb.rpc;

/** Root of every error the SurrealDB client raises. Unchecked; callers catch the subclass they can act on. */
public class SurrealException extends RuntimeException {
    public SurrealException(String message) {
        super(message);
    }

    public SurrealException(String message, Throwable cause) {
        super(message, cause);
    }
}
