package io.provisioning.orchestrator.storage.surrealdb.rpc;

/** Told when the client loses SurrealDB and when it has it back (signed in, namespace and live queries restored). */
public interface ConnectionListener {
    void disconnected(Throwable cause);

    /** Called after a reconnect; live notifications sent while the client was away are lost, so re-read what matters. */
    void reconnected();
}
