package io.provisioning.orchestrator.storage.surrealdb.embedded;

import io.provisioning.orchestrator.storage.surrealdb.rpc.ConnectionListener;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealClient;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine that stays alive but does not answer (hung, or stopped with SIGSTOP) is never
 * restarted by the supervisor, which only sees processes exit. When the client has been without
 * the engine for {@code patience} and the same engine process is still there, it is killed, so the
 * supervisor starts a fresh one on the same port and files.
 */
public final class HungEngineWatch implements ConnectionListener {
    private static final Logger LOG = LoggerFactory.getLogger(HungEngineWatch.class);
    private final SurrealClient client;
    private final EngineSupervisor supervisor;
    private final Duration patience;

    public HungEngineWatch(SurrealClient client, EngineSupervisor supervisor, Duration patience) {
        this.client = client;
        this.supervisor = supervisor;
        this.patience = patience;
    }

    @Override
    public void disconnected(Throwable cause) {
        EngineProcess engine = supervisor.process();
        Thread.ofVirtual().name("surrealdb-hung-engine-watch").start(() -> {
            try {
                Thread.sleep(patience);
            } catch (InterruptedException e) {
                return;
            }
            if (!client.isConnected() && supervisor.process() == engine && engine.isAlive()) {
                LOG.error("the embedded SurrealDB engine (pid {}) has not answered for {} s; killing it so it is restarted",
                        engine.pid(), patience.toSeconds());
                engine.kill();
            }
        });
    }

    @Override
    public void reconnected() {
        // nothing to do: a watch that wakes up finds the client connected
    }
}
