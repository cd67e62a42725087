package io.provisioning.orchestrator.storage.surrealdb;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.format.UnsupportedFormatException;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.surrealdb.testing.TestEngine;
import io.provisioning.orchestrator.task.Task;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real engine: the schema version lives in {@code meta:format}; a newer one is refused before anything is written. */
class SchemaVersionTest {
    @TempDir static Path engineDir;
    @TempDir Path dataDir;
    static TestEngine engine;

    @BeforeAll
    static void startEngine() {
        engine = TestEngine.start(engineDir);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    private SurrealTaskStorage open(String database) {
        return (SurrealTaskStorage) StorageTypes.open("surrealdb-server", dataDir, engine.storageOptions(database));
    }

    private static String meta(SurrealTaskStorage storage) {
        return storage.client().query("SELECT VALUE schema_version FROM ONLY meta:format;", Map.of()).last().toString();
    }

    @Test
    void a_new_database_is_marked_with_the_current_version_and_reports_it() {
        String database = TestEngine.uniqueDatabase();
        try (SurrealTaskStorage storage = open(database)) {
            assertThat(meta(storage)).isEqualTo("2");
            assertThat(storage.formatVersions()).containsEntry("surrealdb-schema", 2);
        }
    }

    @Test
    void a_version_1_database_is_upgraded_to_2_its_records_filled_before_the_version_is_raised() {
        String database = TestEngine.uniqueDatabase();
        Task task = aTask().pending();
        try (SurrealTaskStorage storage = open(database)) {
            storage.saveAndEnqueue(task);
            // as version 1 left it: no filter fields on the record, the mark at 1
            storage.client().query("UPDATE type::record('task', $id) SET workflow = NONE, infra = NONE, deps = NONE; "
                    + "UPDATE meta:format SET schema_version = 1;", Map.of("id", task.id())).orThrow();
        }
        try (SurrealTaskStorage storage = open(database)) {
            assertThat(meta(storage)).isEqualTo("2");
            assertThat(storage.client().query("SELECT VALUE deps FROM ONLY type::record('task', $id);",
                    Map.of("id", task.id())).last().isArray()).isTrue();
            assertThat(storage.find(task.id())).isPresent();
        }
    }

    @Test
    void a_database_of_the_layout_before_versions_without_the_mark_is_version_1_and_upgraded() {
        String database = TestEngine.uniqueDatabase();
        Task task = aTask().pending();
        try (SurrealTaskStorage storage = open(database)) {
            storage.saveAndEnqueue(task);
            storage.client().query("DELETE meta:format;", Map.of()).orThrow(); // as today's build left it
        }
        try (SurrealTaskStorage storage = open(database)) {
            assertThat(meta(storage)).isEqualTo("2");
            assertThat(storage.find(task.id())).isPresent();
        }
    }

    @Test
    void a_newer_schema_is_refused_with_a_sentence_and_nothing_is_written() {
        String database = TestEngine.uniqueDatabase();
        Task task = aTask().pending();
        try (SurrealTaskStorage storage = open(database)) {
            storage.saveAndEnqueue(task);
            storage.client().query("UPDATE meta:format SET schema_version = 7;", Map.of()).orThrow();
        }
        assertThatThrownBy(() -> open(database)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("holds schema version 7 (meta:format), newer than this orchestrator")
                .hasMessageContaining("knows (2)").hasMessageEndingWith("nothing was changed");
        // still version 7, the task untouched: read through a raw session, not a store that would define the schema
        Map<String, String> o = engine.storageOptions(database);
        try (var client = SurrealServerStorageFactory.connect(io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealOptions.of(
                o.get("surrealdb-url"), o.getOrDefault("surrealdb-username", "root"), o.getOrDefault("surrealdb-password", "root"),
                o.getOrDefault("surrealdb-namespace", "orchestrator"), o.getOrDefault("surrealdb-database", "tasks")))) {
            assertThat(client.query("SELECT VALUE schema_version FROM ONLY meta:format;", Map.of()).last().asInt())
                    .isEqualTo(7);
            assertThat(client.query("SELECT VALUE status FROM ONLY type::record('task', $id);", Map.of("id", task.id()))
                    .last().asText()).isEqualTo("Pending");
        }
    }
}
