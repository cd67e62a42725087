package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code POST /storage/migrations} refuses, with one sentence and nothing changed; and what {@code GET /storage} says. */
class StorageMigrationRequestsEndToEndTest {
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    @TempDir static Path elsewhere;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void startServer() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "1",
                "--storage-migration-root", elsewhere.toString());
        api = server.api();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void names_the_live_backend_and_has_no_migration_before_one_is_started() throws Exception {
        Api.Reply storage = api.get("/storage");
        assertThat(storage.status()).isEqualTo(200);
        assertThat(storage.data().path("type").asText()).isEqualTo("filesystem");
        assertThat(storage.data().path("store").asText()).isEqualTo("filesystem (" + dataDir + ")");
        assertThat(storage.data().path("migration").isNull()).isTrue();
        Api.Reply current = api.get("/storage/migrations/current");
        assertThat(current.status()).isEqualTo(404);
        assertThat(current.error()).isEqualTo("no storage migration has run since the orchestrator started");
    }

    @Test
    void bad_requests_get_400_with_one_sentence() throws Exception {
        assertRefused("{}", "field 'to' is required: one of filesystem, postgresql, surrealdb-embedded, surrealdb-server");
        assertRefused("{\"to\":\"mysql\"}", "unknown storage type \"mysql\"; known types: filesystem, postgresql, surrealdb-embedded, surrealdb-server");
        assertRefused("{\"to\":\"filesystem\",\"colour\":\"red\"}", "unknown field \"colour\"; known fields: to, data_dir, "
                + "surrealdb_url, surrealdb_username, surrealdb_password, surrealdb_namespace, surrealdb_database, postgresql_url, "
                + "postgresql_user, postgresql_password, postgresql_password_file, batch_size");
        assertRefused("{\"to\":\"postgresql\"}",
                "a postgresql target needs field 'postgresql_url' (jdbc:postgresql://HOST:PORT/DATABASE)");
        assertRefused("{\"to\":\"filesystem\",\"data_dir\":\"relative/dir\"}",
                "field 'data_dir' must be an absolute path; got \"relative/dir\"");
        assertRefused("{\"to\":\"filesystem\",\"data_dir\":\"" + elsewhere + "\",\"batch_size\":0}",
                "field 'batch_size' must be a whole number from 1 to 10000");
        assertRefused("{\"to\":\"filesystem\"}", "the orchestrator already uses filesystem (" + dataDir
                + "); name another store (a different data_dir or database)");
        assertRefused("{\"to\":\"filesystem\",\"data_dir\":\"/etc/orchestrator\"}", "field 'data_dir' must be inside "
                + elsewhere + " (the server's --storage-migration-root); got \"/etc/orchestrator\"");
        assertRefused("{\"to\":\"filesystem\",\"data_dir\":\"" + elsewhere + "/../escape\"}", "field 'data_dir' must be "
                + "inside " + elsewhere + " (the server's --storage-migration-root); got \"" + elsewhere
                + "/../escape\"");
        if (StorageTypes.builtIn().contains("surrealdb-server")) {
            assertRefused("{\"to\":\"surrealdb-server\"}", "a surrealdb-server target needs field 'surrealdb_url' (ws://HOST:PORT)");
        }
        assertThat(api.get("/storage").data().path("migration").isNull()).as("nothing started").isTrue();
    }

    @Test
    void a_target_that_already_holds_tasks_is_refused_and_the_live_store_stays() throws Exception {
        Path full = elsewhere.resolve("full");
        try (TaskStorage other = StorageTypes.open("filesystem", full, Map.of())) {
            other.save(Task.builder().sequence(1).pending(Instant.parse("2026-01-01T00:00:00Z")));
        }
        assertRefused("{\"to\":\"filesystem\",\"data_dir\":\"" + full + "\"}", "the target filesystem (" + full
                + ") already holds 1 tasks; migrate into an empty store (a new data_dir or database)");
        assertThat(api.get("/storage").data().path("type").asText()).isEqualTo("filesystem");
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    private static void assertRefused(String body, String message) throws Exception {
        Api.Reply reply = api.post("/storage/migrations", body);
        assertThat(reply.status()).as(body).isEqualTo(400);
        assertThat(reply.error()).isEqualTo(message);
    }
}
