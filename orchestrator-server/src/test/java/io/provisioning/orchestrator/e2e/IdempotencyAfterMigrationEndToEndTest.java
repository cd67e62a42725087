package io.provisioning.orchestrator.e2e;

import static io.provisioning.orchestrator.e2e.Submissions.assertReplayed;
import static io.provisioning.orchestrator.e2e.Submissions.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.MigrationProgress;
import io.provisioning.orchestrator.storage.migration.MigrationReport;
import io.provisioning.orchestrator.storage.migration.OfflineMigration;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotency keys move with the tasks: servers, taskserv, cluster and batch requests are sent with
 * a key to the real server on the filesystem, the store is migrated offline to a real PostgreSQL,
 * and the server started on it answers a retried request with the first ids and another body under
 * the same key with 409, creating nothing; then an online migration back to the filesystem, and the
 * same again. A batch's key is found through its record only (no task carries it), so a migration
 * that leaves the records behind makes a second batch.
 */
class IdempotencyAfterMigrationEndToEndTest {
    @TempDir Path root;

    @Test
    void a_request_retried_with_its_key_after_offline_and_online_migration_answers_the_first_ids() throws Exception {
        Path workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Path fsData = root.resolve("fs-node");
        Map<Submissions, Api.Reply> first = new EnumMap<>(Submissions.class);
        long created;
        MigrationReport report;
        try (ServerProcess server = ServerProcess.startWith(fsData, workspace, IdempotencyEndToEndTest.script(), "sh",
                "--cluster-plan-limit", "8")) {
            for (Submissions kind : Submissions.values()) {
                first.put(kind, kind.post(server.api(), kind.body(), "migrated-" + kind));
                assertThat(first.get(kind).status()).as(kind + ": " + first.get(kind).body()).isEqualTo(200);
            }
            created = total(server.api());
        }

        try (PostgresCluster db = PostgresCluster.start()) {
            String database = db.createDatabase();
            Map<String, String> pgOptions = db.storageOptions(database);
            pgOptions.put("postgresql-node-id", "migration");
            try (TaskStorage source = StorageTypes.open("filesystem", fsData, Map.of());
                    TaskStorage target = StorageTypes.open("postgresql", root.resolve("pg-cli"), pgOptions)) {
                report = new OfflineMigration(source, target, new OfflineMigration.Settings(3, 2, false),
                        MigrationProgress.NONE).run();
                assertThat(report.copied()).isEqualTo(created);
            }

            List<String> flags = db.serverFlags(database);
            flags.addAll(List.of("--cluster-plan-limit", "8", "--storage-migration-root", root.toString()));
            try (ServerProcess server = ServerProcess.startWith(root.resolve("pg-node"), workspace,
                    IdempotencyEndToEndTest.script(), "sh", flags.toArray(String[]::new))) {
                Api api = server.api();
                assertThat(total(api)).isEqualTo(created);
                assertKeysHold(api, first, created, "after the offline migration to postgresql");

                Api.Reply started = api.post("/storage/migrations", "{\"to\":\"filesystem\",\"data_dir\":\""
                        + root.resolve("fs-again") + "\",\"batch_size\":2}");
                assertThat(started.status()).as(String.valueOf(started.body())).isEqualTo(202);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    JsonNode status = api.get("/storage/migrations/current").data();
                    assertThat(status.path("state").asText()).as(status.toString()).isNotEqualTo("FAILED");
                    return status.path("state").asText().equals("SWITCHED");
                });
                assertThat(api.get("/storage").data().path("type").asText()).isEqualTo("filesystem");
                assertKeysHold(api, first, created, "after the online migration back to the filesystem");
            }
            assertThat(report.idempotencyKeys()).as("key records the offline migration copied")
                    .isEqualTo(Submissions.values().length);
        }
    }

    private static void assertKeysHold(Api api, Map<Submissions, Api.Reply> first, long created, String when)
            throws Exception {
        for (Submissions kind : Submissions.values()) {
            assertReplayed(first.get(kind), kind.post(api, kind.body(), "migrated-" + kind));
            Api.Reply changed = kind.post(api, kind.changedBody(), "migrated-" + kind);
            assertThat(changed.status()).as(kind + " " + when + ": " + changed.body()).isEqualTo(409);
            assertThat(total(api)).as(kind + " " + when + ": tasks").isEqualTo(created);
        }
    }
}
