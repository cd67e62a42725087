package io.provisioning.orchestrator.storage.surrealdb.rpc;

import java.util.function.Consumer;

/**
 * A live query on one table, kept by the client across reconnects (SurrealDB forgets live queries
 * when a connection ends, so the client starts it again and {@link #id()} changes). Closing it kills it.
 */
public final class LiveQuery implements AutoCloseable {
    private final SurrealClient client;
    private final String table;
    private final Consumer<LiveNotification> listener;
    private volatile String id;

    LiveQuery(SurrealClient client, String table, Consumer<LiveNotification> listener) {
        this.client = client;
        this.table = table;
        this.listener = listener;
    }

    public String table() {
        return table;
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
