package io.provisioning.orchestrator.storage.surrealdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The answer to a {@code query}: one {@link StatementResult} per statement, in order. */
public record QueryResult(List<StatementResult> statements) {

    public StatementResult get(int index) {
        return statements.get(index);
    }

    public int size() {
        return statements.size();
    }

    /** Throws {@link SurrealStatementException} for the first failed statement; else returns this. */
    public QueryResult orThrow() {
        for (StatementResult statement : statements) {
            statement.orThrow();
        }
        return this;
    }

    /** The result of the last statement, after {@link #orThrow()}. */
    public JsonNode last() {
        orThrow();
        return statements.get(statements.size() - 1).result();
    }

    /**
     * The error that made a transaction fail. The engine marks every statement of a failed
     * transaction "not executed"; the one with the real cause is the one to report.
     */
    public SurrealStatementException firstRealError() {
        SurrealStatementException first = null;
        for (StatementResult statement : statements) {
            if (!statement.ok()) {
                try {
                    statement.orThrow();
                } catch (SurrealStatementException e) {
                    if (first == null) {
                        first = e;
                    }
                    if (!e.detail().contains("not executed due to a failed transaction")) {
                        return e;
                    }
                }
            }
        }
        return first;
    }
}
