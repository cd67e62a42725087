package io.provisioning.orchestrator.migration;

import io.provisioning.orchestrator.ConflictException;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.OnlineMigration;
import io.provisioning.orchestrator.storage.migration.SwitchableTaskStorage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live store and its online migrations: one at a time, started from the API, followed through
 * {@link #current()}. After a switch the new backend is recorded in {@code <data-dir>/storage.json}
 * for restarts, and the old store is closed a little later, once reads that began on it are done.
 */
public final class StorageMigrations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageMigrations.class);
    /** Reads are not paused by a switch; one that took the old store just before it gets this long to finish. */
    private static final Duration RETIRE_AFTER = Duration.ofSeconds(10);

    private final SwitchableTaskStorage live;
    private final Path serverDataDir;
    private final Path migrationRoot;
    private final Clock clock;
    private final Consumer<OnlineMigration.Status> onFinished;
    private final List<TaskStorage> retired = new ArrayList<>();
    private volatile StorageChoice current;
    private volatile String recordProblem;
    private OnlineMigration migration; // guarded by this

    /** @param onFinished hears the final status of each migration (the audit log) */
    public StorageMigrations(SwitchableTaskStorage live, StorageChoice current, Path serverDataDir, Clock clock,
            Consumer<OnlineMigration.Status> onFinished) {
        this(live, current, serverDataDir, serverDataDir, clock, onFinished);
    }

    /** @param migrationRoot the folder a target's data dir must be in ({@code --storage-migration-root}) */
    public StorageMigrations(SwitchableTaskStorage live, StorageChoice current, Path serverDataDir, Path migrationRoot,
            Clock clock, Consumer<OnlineMigration.Status> onFinished) {
        this.live = live;
        this.current = current;
        this.serverDataDir = serverDataDir;
        this.migrationRoot = migrationRoot.toAbsolutePath().normalize();
        this.clock = clock;
        this.onFinished = onFinished;
    }

    /** The backend in use now (changes at a switch). */
    public StorageChoice current() {
        return current;
    }

    public Path serverDataDir() {
        return serverDataDir;
    }

    /** The folder every migration target's data dir must be in. */
    public Path migrationRoot() {
        return migrationRoot;
    }

    /** The running or last migration since start, or null. */
    public synchronized OnlineMigration.Status migration() {
        return migration == null ? null : migration.status();
    }

    /** When recording the new backend after a switch failed: what a restart would get wrong. */
    public String recordProblem() {
        return recordProblem;
    }

    /** Checks the request, opens the (empty) target and starts copying in the background. */
    public synchronized OnlineMigration.Status start(MigrationRequest request) {
        if (migration != null && !migration.status().finished()) {
            OnlineMigration.Status s = migration.status();
            throw new ConflictException("a storage migration to " + s.to() + " is already running (" + s.state()
                    + ", " + s.copied() + " of " + s.total() + " tasks); wait until it has switched or failed");
        }
        StorageChoice target = request.target();
        if (target.sameStoreAs(current)) {
            throw new InvalidRequestException("the orchestrator already uses " + current.describe()
                    + "; name another store (a different data_dir or database)");
        }
        TaskStorage opened;
        try {
            opened = target.open();
        } catch (StorageException e) {
            throw new InvalidRequestException("cannot open the target " + target.describe() + ": " + e.getMessage()
                    + "; the live storage is unchanged");
        }
        try {
            long already = opened.count();
            if (already > 0) {
                throw new InvalidRequestException("the target " + target.describe() + " already holds " + already
                        + " tasks; migrate into an empty store (a new data_dir or database)");
            }
        } catch (RuntimeException e) {
            closeQuietly(opened);
            throw e instanceof InvalidRequestException ? e : new InvalidRequestException("cannot read the target "
                    + target.describe() + ": " + e.getMessage() + "; the live storage is unchanged");
        }
        OnlineMigration started = new OnlineMigration(live, target.type(), () -> opened, request.batchSize(),
                old -> switched(target, old), clock);
        migration = started;
        LOG.info("online storage migration from {} to {} started", current.describe(), target.describe());
        Thread.ofVirtual().name("online-migration").start(() -> onFinished.accept(started.run()));
        return started.status();
    }

    /** Runs inside the migration right after the switch; must not throw (the switch has happened). */
    private void switched(StorageChoice target, TaskStorage old) {
        current = target;
        try {
            target.record(serverDataDir);
            recordProblem = null;
        } catch (RuntimeException e) {
            recordProblem = e.getMessage() + "; start the orchestrator with --storage-type " + target.type()
                    + " to keep using it";
            LOG.error("the storage switched to {} but {}", target.describe(), recordProblem);
        }
        synchronized (retired) {
            retired.add(old);
        }
        Thread.ofVirtual().name("retire-old-storage").start(() -> {
            try {
                Thread.sleep(RETIRE_AFTER);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            retire(old);
        });
    }

    private void retire(TaskStorage old) {
        synchronized (retired) {
            if (!retired.remove(old)) {
                return;
            }
        }
        closeQuietly(old);
    }

    @Override
    public void close() {
        List<TaskStorage> left;
        synchronized (retired) {
            left = new ArrayList<>(retired);
        }
        left.forEach(this::retire);
    }

    private static void closeQuietly(TaskStorage storage) {
        try {
            storage.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the old storage failed: {}", e.getMessage());
        }
    }
}
