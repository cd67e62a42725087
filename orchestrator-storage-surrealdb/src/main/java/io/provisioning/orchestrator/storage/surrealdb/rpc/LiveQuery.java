package io.provisioning.orchestrator.storage.surrealdb.rpc;

import java.util.function.Consumer;

/**
 * A live query on one table, kept by the client across reconnects (SurrealDB forgets live queries
 * when a connection ends, so the client starts it again and {@link #id()} changes). Closing it kills it.
 */
public final class LiveQuery implements AutoCloseable {
    private final SurrealClient client;
    private final String table;
    private final String liveSelect;
    private final java.util.Map<String, ?> vars;
    private final Consumer<LiveNotification> listener;
    private volatile String id;

    LiveQuery(SurrealClient client, String table, String liveSelect, java.util.Map<String, ?> vars,
            Consumer<LiveNotification> listener) {
        this.client = client;
        this.table = table;
        this.liveSelect = liveSelect;
        this.vars = vars;
        this.listener = listener;
    }

    /** The {@code LIVE SELECT} statement, or null for a plain {@code live} on the table. */
    String liveSelect() {
        return liveSelect;
    }

    java.util.Map<String, ?> vars() {
        return vars;
    }

    /** The table, or the {@code LIVE SELECT} statement. */
    public String table() {
        return table != null ? table : liveSelect;
    }

    /** The server's id of the live query on the current connection. */
    public String id() {
        return id;
    }

    void id(String newId) {
        this.id = newId;
    }

    Consumer<LiveNotification> listener() {
        return listener;
    }

    @Override
    public void close() {
        client.kill(this);
    }
}
