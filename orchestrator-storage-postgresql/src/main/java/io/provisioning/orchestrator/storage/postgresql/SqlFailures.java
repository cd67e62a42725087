package io.provisioning.orchestrator.storage.postgresql;

import io.provisioning.orchestrator.storage.DuplicateSequenceException;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** What a {@link SQLException} means for the caller: unavailable (503), try again, or refused. */
final class SqlFailures {
    private SqlFailures() {}

    /** The server is gone or not taking connections: the pool's wait ran out, a connection broke, it shuts down. */
    static boolean isUnavailable(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
    }

    /** A serialization failure or deadlock: the transaction did nothing and may simply run again. */
    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    static RuntimeException map(String what, String where, SQLException e) {
        if (isUnavailable(e)) {
            return new StorageUnavailableException("PostgreSQL at " + where + " is unavailable (" + firstLine(e)
                    + "); try again once it is back", e);
        }
        if ("23505".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("task_seq_unique")) {
            return new DuplicateSequenceException("cannot " + what + ": another task has its sequence number");
        }
        return new StorageException("PostgreSQL refused to " + what + ": " + firstLine(e), e);
    }

    static String firstLine(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
