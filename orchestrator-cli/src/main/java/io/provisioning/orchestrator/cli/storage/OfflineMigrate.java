package io.provisioning.orchestrator.cli.storage;

import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.MigrationReport;
import io.provisioning.orchestrator.storage.migration.OfflineMigration;

/**
 * {@code provisioning storage migrate} without {@code --online}: opens both stores here (no
 * orchestrator may be using them), copies, verifies. The source is only read. Every failure
 * becomes one {@link CliException} sentence that says the source is unchanged.
 */
final class OfflineMigrate {
    private static final int WRITERS = 2;

    private final StoreLocation from;
    private final StoreLocation to;
    private final OfflineMigration.Settings settings;

    OfflineMigrate(StoreLocation from, StoreLocation to, int batchSize, boolean dryRun) {
        this.from = from.checked();
        this.to = to.checked();
        if (batchSize < 1 || batchSize > 10_000) {
            throw new CliException.BadInput("--batch-size must be from 1 to 10000");
        }
        if (from.sameStoreAs(to)) {
            throw new CliException.BadInput("--from and --to name the same store: " + from.describe());
        }
        this.settings = new OfflineMigration.Settings(batchSize, WRITERS, dryRun);
    }

    MigrationReport run(MigrationProgressView progress) {
        if (!from.exists()) {
            throw new CliException.BadInput("there is no " + from.type() + " store in " + from.dataDir()
                    + " (check --from-data-dir)");
        }
        TaskStorage source = open(from, "source");
        TaskStorage target = null;
        try {
            // a dry run writes nothing: a target that does not exist yet is empty, so it is not made
            if (!settings.dryRun() || to.exists()) {
                target = open(to, "target");
                long already = target.count();
                if (already > 0) {
                    throw new CliException.OperationFailed("the target " + to.describe() + " already holds " + already
                            + " tasks; migrate into an empty store (a new data dir or database); the source is unchanged");
                }
            }
            MigrationReport report = new OfflineMigration(source, target, settings, progress).run();
            progress.finish();
            return report;
        } catch (StorageException e) {
            progress.finish();
            throw failed(e, target);
        } finally {
            closeQuietly(target);
            closeQuietly(source);
        }
    }

    private static TaskStorage open(StoreLocation location, String role) {
        try {
            return location.open();
        } catch (StorageUnavailableException e) {
            throw new CliException.Unavailable("cannot open the " + role + " " + location.describe() + ": "
                    + e.getMessage() + "; the source is unchanged");
        } catch (StorageException e) {
            String reason = e.getMessage();
            if (location.type().equals("surrealdb-embedded") && reason != null && reason.contains("/LOCK")) {
                reason = "the data dir " + location.dataDir() + " is in use by a running orchestrator (its SurrealDB "
                        + "engine holds " + location.dataDir().resolve("surrealdb/LOCK") + "); stop it first";
            }
            throw new CliException.OperationFailed("cannot open the " + role + " " + location.describe() + ": "
                    + reason + "; the source is unchanged");
        }
    }

    private CliException failed(StorageException e, TaskStorage target) {
        String partial = "";
        if (!settings.dryRun() && target != null) {
            partial = "; the target " + to.describe() + " may hold a partial copy: empty it before trying again";
        }
        String message = "migration from " + from.type() + " to " + to.type() + " failed: " + e.getMessage()
                + "; the source is unchanged" + partial;
        return e instanceof StorageUnavailableException ? new CliException.Unavailable(message)
                : new CliException.OperationFailed(message);
    }

    private static void closeQuietly(TaskStorage storage) {
        if (storage == null) {
            return;
        }
        try {
            storage.close();
        } catch (RuntimeException e) {
            // the migration's outcome is what the user needs; a failed close changes nothing in it
        }
    }
}
