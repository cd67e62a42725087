package io.provisioning.orchestrator.e2e;

import static io.provisioning.orchestrator.e2e.StorageOutageEndToEndTest.assertEveryTaskRanOnceAndCompleted;
import static io.provisioning.orchestrator.e2e.StorageOutageEndToEndTest.assertUnavailable;
import static io.provisioning.orchestrator.e2e.StorageOutageEndToEndTest.awaitHealthy;
import static io.provisioning.orchestrator.e2e.StorageOutageEndToEndTest.awaitRunning;
import static io.provisioning.orchestrator.e2e.StorageOutageEndToEndTest.showLogOnFailure;
import static io.provisioning.orchestrator.e2e.StorageOutageEndToEndTest.submit;

import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server on a real PostgreSQL server that is stopped as a crash would stop it
 * ({@code pg_ctl stop -m immediate}) while tasks run, and started again: meanwhile /health and
 * writes answer 503 with a sentence naming PostgreSQL and no stack trace, the workers pause and
 * no task fails; then the service resumes by itself and every acknowledged task ends Completed
 * having run to its end once: an attempt that finished meanwhile has its outcome stored once PostgreSQL
 * is back; one still running when the lease fence came (half the lease without a renewal) was ended,
 * is kept as interrupted, and ran again.
 */
class PostgresOutageEndToEndTest {
    @TempDir Path root;

    @Test
    void postgresql_stopped_and_started_again_while_tasks_run_loses_no_acknowledged_task() throws Exception {
        Path workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Path script = Components.repoRoot().resolve("orchestrator-server/src/test/resources/fixtures/outage.sh");
        Path dataDir = root.resolve("node");
        try (PostgresCluster db = PostgresCluster.start()) {
            List<String> flags = db.serverFlags(db.createDatabase());
            flags.addAll(List.of("--workers", "2", "--postgresql-lease-seconds", "3"));
            try (ServerProcess server = ServerProcess.startWith(dataDir, workspace, script, "sh", flags.toArray(String[]::new))) {
                showLogOnFailure(server, () -> {
                    Api api = server.api();
                    List<String> acknowledged = submit(api, 8, "before");
                    awaitRunning(api);

                    db.stopImmediately();
                    assertUnavailable(api, "PostgreSQL");
                    Thread.sleep(4_000); // longer than the lease: the running attempts' leases lapse meanwhile
                    db.startServer();

                    awaitHealthy(api);
                    acknowledged.addAll(submit(api, 3, "after"));
                    assertEveryTaskRanOnceAndCompleted(api, acknowledged, dataDir);
                });
            }
        }
    }
}
