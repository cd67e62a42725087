package io.provisioning.orchestrator.storage.surrealdb;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealClient;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealOptions;
import io.provisioning.orchestrator.storage.surrealdb.testing.TestEngine;
import io.provisioning.orchestrator.task.Task;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written before task records had {@code workflow}, {@code infra} and {@code deps} fields
 * of their own: opened again, the records get them from their JSON, so the list filters find them.
 */
class FilterFieldsBackfillTest {
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

    @Test
    void records_without_the_filter_fields_get_them_when_the_store_is_opened() {
        String database = TestEngine.uniqueDatabase();
        Map<String, String> options = engine.storageOptions(database);
        Task base = aTask().withWorkflow("taskserv.create").withInfra("staging").pending();
        Task dependent = aTask().withDependencies(base.id()).pending();
        try (TaskStorage storage = StorageTypes.open("surrealdb-server", dataDir, options)) {
            storage.save(base);
            storage.save(dependent);
        }
        try (SurrealClient client = SurrealClient.connect(SurrealOptions.of(engine.url(), TestEngine.USER, TestEngine.PASS,
                "test", database))) {
            assertThat(client.query("UPDATE task SET workflow = NONE, infra = NONE, deps = NONE RETURN NONE;", Map.of())
                    .firstRealError()).isNull();
        }
        try (TaskStorage storage = StorageTypes.open("surrealdb-server", dataDir, options)) {
            assertThat(storage.list(TaskQuery.all().withWorkflow("taskserv.create").withInfra("staging")).tasks())
                    .extracting(Task::id).containsExactly(base.id());
            assertThat(storage.list(TaskQuery.all().withDependsOn(base.id())).tasks()).extracting(Task::id)
                    .containsExactly(dependent.id());
            assertThat(storage.list(TaskQuery.all().withInfra("test")).total()).isEqualTo(1);
        }
    }
}
