package io.provisioning.orchestrator.testenv.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.testenv.CheckResult;
import io.provisioning.orchestrator.testenv.EnvironmentStatus;
import io.provisioning.orchestrator.testenv.EnvironmentType;
import io.provisioning.orchestrator.testenv.TestEnvironment;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EnvironmentStore} must do. A backend's test extends this and supplies
 * {@link #openStore()} (the same data on every call, so reopening is a restart).
 */
public abstract class EnvironmentStoreContract {
    protected EnvironmentStore store;

    protected abstract EnvironmentStore openStore();

    @BeforeEach
    void open() {
        store = openStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    protected static TestEnvironment anEnvironment(Instant createdAt) {
        var config = Json.mapper().createObjectNode().put("type", "single_taskserv").put("taskserv", "redis");
        return TestEnvironment.creating(UUID.randomUUID().toString(), EnvironmentType.SINGLE_TASKSERV, "dev", true, false,
                null, config, new TestEnvironment.NetworkInfo("te-x", null, null), createdAt);
    }

    @Test
    void finds_what_it_saved_field_for_field() {
        TestEnvironment saved = anEnvironment(Instant.parse("2025-01-01T00:00:00Z"))
                .withContainer(new TestEnvironment.ContainerInfo("te-1-redis", "abc", "redis", "taskserv",
                        "provisioning/taskserv-redis:12", List.of("redis"), 500, 256, List.of("te-1-redis-1")),
                        Instant.parse("2025-01-01T00:00:01Z"))
                .becoming(EnvironmentStatus.Ready, "ready", Instant.parse("2025-01-01T00:00:02Z"))
                .becoming(EnvironmentStatus.Running, "running", Instant.parse("2025-01-01T00:00:03Z"))
                .finishedRun(List.of(CheckResult.of("ping", "check", "redis", "redis", true, "PONG", 0, 12,
                        Instant.parse("2025-01-01T00:00:04Z"))), Instant.parse("2025-01-01T00:00:05Z"));
        store.save(saved);
        assertThat(store.find(saved.id())).contains(saved);
    }

    @Test
    void lists_newest_first() {
        TestEnvironment older = anEnvironment(Instant.parse("2025-01-01T00:00:00Z"));
        TestEnvironment newer = anEnvironment(Instant.parse("2025-01-02T00:00:00Z"));
        store.save(older);
        store.save(newer);
        assertThat(store.list()).extracting(TestEnvironment::id).containsExactly(newer.id(), older.id());
    }

    @Test
    void a_second_save_replaces_the_first() {
        TestEnvironment first = anEnvironment(Instant.now());
        store.save(first);
        store.save(first.withMessage("later", Instant.now()));
        assertThat(store.list()).hasSize(1);
        assertThat(store.find(first.id()).orElseThrow().message()).isEqualTo("later");
    }

    @Test
    void records_survive_a_restart() {
        TestEnvironment saved = anEnvironment(Instant.parse("2025-01-01T00:00:00Z"));
        store.save(saved);
        store.close();
        store = openStore();
        assertThat(store.find(saved.id())).contains(saved);
    }

    @Test
    void delete_removes_the_record_for_good_and_is_repeatable() {
        TestEnvironment saved = anEnvironment(Instant.now());
        store.save(saved);
        store.delete(saved.id());
        store.delete(saved.id());
        store.close();
        store = openStore();
        assertThat(store.find(saved.id())).isEmpty();
        assertThat(store.list()).isEmpty();
    }
}
