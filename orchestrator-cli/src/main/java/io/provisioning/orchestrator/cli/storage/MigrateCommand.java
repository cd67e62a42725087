package io.provisioning.orchestrator.cli.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import io.provisioning.orchestrator.storage.migration.MigrationReport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code provisioning storage migrate}: offline (both stores opened here, no orchestrator running
 * on them) or, with {@code --online}, through a running orchestrator's API.
 */
@Command(name = "migrate", sortOptions = false,
        description = {"Copies every task and the queue from one storage backend to another and verifies counts and content hashes.",
            "Offline (default): stop the orchestrator first; the source is only read; the target must be empty.",
            "--online: the running orchestrator (--url) copies its live store to the target while it takes writes,",
            "keeps both in step, verifies, then switches to the target and records it for restarts."})
public final class MigrateCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--from", paramLabel = "TYPE", description = "source backend: filesystem, postgresql, surrealdb-embedded or surrealdb-server (offline)")
    String fromType;

    @Option(names = "--from-data-dir", paramLabel = "DIR", description = "source data dir (filesystem, surrealdb-embedded)")
    Path fromDataDir;

    @Option(names = "--from-surrealdb-url", paramLabel = "URL", description = "source SurrealDB, e.g. ws://db:8000")
    String fromUrl;

    @Option(names = "--from-surrealdb-username", paramLabel = "USER", description = "(default: root)")
    String fromUser;

    @Option(names = "--from-surrealdb-password", paramLabel = "PASSWORD", description = "(default: root)")
    String fromPassword;

    @Option(names = "--from-surrealdb-namespace", paramLabel = "NS", description = "(default: orchestrator)")
    String fromNamespace;

    @Option(names = "--from-surrealdb-database", paramLabel = "DB", description = "(default: tasks)")
    String fromDatabase;

    @Option(names = "--from-postgresql-url", paramLabel = "JDBC-URL", description = "source PostgreSQL, e.g. jdbc:postgresql://db:5432/orchestrator")
    String fromPgUrl;

    @Option(names = "--from-postgresql-user", paramLabel = "USER", description = "(default: orchestrator)")
    String fromPgUser;

    @Option(names = "--from-postgresql-password-file", paramLabel = "FILE", description = "first line: the password (default: $POSTGRESQL_PASSWORD)")
    Path fromPgPasswordFile;

    @Option(names = "--to", paramLabel = "TYPE", required = true, description = "target backend: filesystem, postgresql, surrealdb-embedded or surrealdb-server")
    String toType;

    @Option(names = "--to-data-dir", paramLabel = "DIR", description = "target data dir (filesystem, surrealdb-embedded)")
    Path toDataDir;

    @Option(names = "--to-surrealdb-url", paramLabel = "URL", description = "target SurrealDB, e.g. ws://db:8000")
    String toUrl;

    @Option(names = "--to-surrealdb-username", paramLabel = "USER", description = "(default: root)")
    String toUser;

    @Option(names = "--to-surrealdb-password", paramLabel = "PASSWORD", description = "(default: root)")
    String toPassword;

    @Option(names = "--to-surrealdb-namespace", paramLabel = "NS", description = "(default: orchestrator)")
    String toNamespace;

    @Option(names = "--to-surrealdb-database", paramLabel = "DB", description = "(default: tasks)")
    String toDatabase;

    @Option(names = "--to-postgresql-url", paramLabel = "JDBC-URL", description = "target PostgreSQL, e.g. jdbc:postgresql://db:5432/orchestrator")
    String toPgUrl;

    @Option(names = "--to-postgresql-user", paramLabel = "USER", description = "(default: orchestrator)")
    String toPgUser;

    @Option(names = "--to-postgresql-password-file", paramLabel = "FILE", description = "first line: the password (default: $POSTGRESQL_PASSWORD)")
    Path toPgPasswordFile;

    @Option(names = "--dry-run", description = "read and verify the source, report what would be copied, write nothing")
    boolean dryRun;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500", description = "tasks per read and write (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--online", description = "migrate the live store of the orchestrator at --url while it runs (no --from)")
    boolean online;

    MigrateCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        StoreLocation to = new StoreLocation("to", toType, toDataDir, toUrl, toUser, toPassword, toNamespace, toDatabase,
                toPgUrl, toPgUser, toPgPasswordFile);
        if (online) {
            return online(to);
        }
        StoreLocation from = new StoreLocation("from", fromType, fromDataDir, fromUrl, fromUser, fromPassword,
                fromNamespace, fromDatabase, fromPgUrl, fromPgUser, fromPgPasswordFile);
        OfflineMigrate migrate = new OfflineMigrate(from, to, batchSize, dryRun);
        boolean json = session.printer().isJson();
        MigrationProgressView progress = MigrationProgressView.of(json ? session.err() : session.out(),
                session.drawsBar(), session.width());
        MigrationReport report = migrate.run(progress);
        if (json) {
            session.printer().json(asJson(report, from, to));
        } else {
            summarize(report, from, to);
        }
        return ExitCodes.OK;
    }

    private int online(StoreLocation to) {
        if (fromType != null || fromDataDir != null || fromUrl != null || fromUser != null || fromPassword != null
                || fromNamespace != null || fromDatabase != null || fromPgUrl != null || fromPgUser != null
                || fromPgPasswordFile != null) {
            throw new CliException.BadInput("--online moves the orchestrator's live store; leave out --from and its options");
        }
        if (dryRun) {
            throw new CliException.BadInput("--dry-run works offline only; leave out --online");
        }
        boolean json = session.printer().isJson();
        MigrationProgressView progress = MigrationProgressView.of(json ? session.err() : session.out(),
                session.drawsBar(), session.width());
        JsonNode status = new OnlineMigrate(session).run(to, batchSize, progress);
        if (json) {
            session.printer().json(status);
        } else {
            session.printer().line("switched the orchestrator at " + session.client().baseUrl() + " from "
                    + status.path("from").asText() + " to " + status.path("to").asText() + ": "
                    + status.path("copied").asLong() + " tasks copied while it ran, content digest "
                    + status.path("target_digest").asText() + " on both sides");
        }
        return ExitCodes.OK;
    }

    private void summarize(MigrationReport r, StoreLocation from, StoreLocation to) {
        if (r.dryRun()) {
            session.printer().line(String.format(Locale.ROOT,
                    "dry run: %s holds %d tasks (%d queued), content digest %s; %s is empty; nothing was written",
                    from.describe(), r.tasks(), r.queued(), r.sourceDigest(), to.describe()));
            return;
        }
        session.printer().line(String.format(Locale.ROOT, "migrated %d tasks (%d queued) from %s to %s in %.1f s (%.0f tasks/s)",
                r.copied(), r.queued(), from.describe(), to.describe(), r.totalTime().toMillis() / 1000.0, r.copyRate()));
        session.printer().line("verified: " + r.tasks() + " tasks on both sides, content digest " + r.targetDigest()
                + " (source " + r.sourceDigest() + "); " + r.idempotencyKeys() + " idempotency keys copied and verified");
    }

    private static ObjectNode asJson(MigrationReport r, StoreLocation from, StoreLocation to) {
        ObjectNode json = OrchestratorClient.JSON.createObjectNode();
        json.put("from", from.type());
        json.put("to", to.type());
        json.put("dry_run", r.dryRun());
        json.put("tasks", r.tasks());
        json.put("queued", r.queued());
        json.put("copied", r.copied());
        json.put("idempotency_keys", r.idempotencyKeys());
        json.put("source_digest", r.sourceDigest());
        json.put("target_digest", r.targetDigest());
        json.put("seconds", r.totalTime().toMillis() / 1000.0);
        return json;
    }
}
