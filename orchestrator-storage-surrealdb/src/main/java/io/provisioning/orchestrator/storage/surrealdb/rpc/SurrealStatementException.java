package io.provisioning.orchestrator.storage.surrealdb.rpc;

/**
 * One statement of a query ended with {@code "status": "ERR"}: the request itself was fine, the
 * statement was not (a thrown error, a unique index violation, a transaction conflict).
 */
public class SurrealStatementException extends SurrealException {
    private final int statement;
    private final String kind;
    private final String detail;

    public SurrealStatementException(int statement, String kind, String detail) {
        super("statement " + (statement + 1) + " failed: " + detail + (kind == null ? "" : " (" + kind + ")"));
        this.statement = statement;
        this.kind = kind;
        this.detail = detail;
    }

    /** Zero-based index of the statement within the query. */
    public int statement() {
        return statement;
    }

    public String kind() {
        return kind;
    }

    /** The engine's message, as it sent it. */
    public String detail() {
        return detail;
    }

    /** Concurrent writes touched the same records; running the same query again may succeed. */
    public boolean isRetryable() {
        return detail != null && detail.contains("can be retried");
    }

    /** A unique index already holds the value. */
    public boolean isUniqueViolation() {
        return detail != null && detail.contains("already contains");
    }
}
