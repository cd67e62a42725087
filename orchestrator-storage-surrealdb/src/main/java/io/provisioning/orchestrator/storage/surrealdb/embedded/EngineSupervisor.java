package io.provisioning.orchestrator.storage.surrealdb.embedded;

import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded engine running: starts it on a free loopback port, and when it exits
 * without being asked to, starts it again on the same port and files, with growing pauses
 * (the orchestrator's client reconnects by itself). Stops it on close.
 */
public final class EngineSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineSupervisor.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final EngineHost host;
    private final String storage;
    private final String user;
    private final String password;
    private final int port;
    private volatile EngineProcess process;
    private volatile boolean closing;
    private volatile int restarts;

    private EngineSupervisor(EngineHost host, String storage, String user, String password, EngineProcess first) {
        this.host = host;
        this.storage = storage;
        this.user = user;
        this.password = password;
        this.process = first;
        this.port = first.port();
    }

    /** Starts the engine and waits until it answers; throws with the engine's own words if it cannot. */
    public static EngineSupervisor start(EngineHost host, String storage, String user, String password) {
        EngineProcess first = EngineProcess.start(host, storage, 0, user, password, START_TIMEOUT);
        EngineSupervisor supervisor = new EngineSupervisor(host, storage, user, password, first);
        supervisor.watch(first);
        LOG.info("embedded SurrealDB engine running on 127.0.0.1:{} (pid {}), storage {}", first.port(), first.pid(), storage);
        return supervisor;
    }

    private void watch(EngineProcess watched) {
        watched.onExit().thenRun(() -> {
            if (!closing) {
                Thread.ofVirtual().name("surrealdb-engine-restart").start(() -> restart(watched));
            }
        });
    }

    private void restart(EngineProcess died) {
        LOG.error("the embedded SurrealDB engine (pid {}) exited unexpectedly; restarting it{}", died.pid(),
                died.stderrTail());
        long pause = 200;
        while (!closing) {
            try {
                EngineProcess fresh = EngineProcess.start(host, storage, port, user, password, START_TIMEOUT);
                if (closing) {
                    fresh.close();
                    return;
                }
                process = fresh;
                restarts++;
                watch(fresh);
                LOG.info("embedded SurrealDB engine restarted on 127.0.0.1:{} (pid {})", port, fresh.pid());
                return;
            } catch (RuntimeException e) {
                LOG.warn("restarting the embedded SurrealDB engine failed: {}; trying again in {} ms", e.getMessage(), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    return;
                }
                pause = Math.min(pause * 2, 5_000);
            }
        }
    }

    public URI url() {
        return URI.create("ws://127.0.0.1:" + port + "/rpc");
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    public int restarts() {
        return restarts;
    }

    /** The running engine process (tests kill it to check the supervision). */
    public EngineProcess process() {
        return process;
    }

    @Override
    public void close() {
        closing = true;
        process.close();
    }
}
