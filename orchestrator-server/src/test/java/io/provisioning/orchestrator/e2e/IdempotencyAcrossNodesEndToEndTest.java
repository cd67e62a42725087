package io.provisioning.orchestrator.e2e;

import static io.provisioning.orchestrator.e2e.Submissions.assertOneSubmission;
import static io.provisioning.orchestrator.e2e.Submissions.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.storage.StorageTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Idempotency-Key} across two orchestrator processes on one SurrealDB database (the real
 * engine, through the engine host): the key is unique in the database, so twenty requests with one
 * key spread over both nodes make one submission; and a write that answered 503 because the
 * database hung, but reached it, is answered from the database when retried with its key.
 */
class IdempotencyAcrossNodesEndToEndTest {
    @TempDir Path root;
    private Path workspace;

    @BeforeEach
    void setUp() throws Exception {
        boolean built = StorageTypes.builtIn().contains("surrealdb-server");
        if (System.getenv("CI") != null) {
            assertThat(built).as("CI builds with -Psurrealdb").isTrue();
        }
        Assumptions.assumeTrue(built, "built without -Psurrealdb");
        workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
    }

    @Test
    void twenty_concurrent_requests_with_one_key_over_two_nodes_create_exactly_one_submission() throws Exception {
        try (EngineHostProcess db = EngineHostProcess.start(Files.createDirectories(root.resolve("db")));
                ServerProcess a = node(db, "a");
                ServerProcess b = node(db, "b")) {
            List<Api> both = List.of(a.api(), b.api());
            for (Submissions kind : Submissions.values()) {
                long before = total(a.api());
                assertOneSubmission(kind.concurrently(both, 20, "nodes-" + kind));
                assertThat(total(a.api())).as(kind + ": tasks of 20 requests over two nodes").isEqualTo(before + kind.tasks);
                Api.Reply changed = kind.post(b.api(), kind.changedBody(), "nodes-" + kind);
                assertThat(changed.status()).as(kind + " changed body on the other node").isEqualTo(409);
                assertThat(total(b.api())).isEqualTo(before + kind.tasks);
            }
        }
    }

    @Test
    void a_write_that_answered_503_but_reached_the_database_is_returned_when_retried_with_its_key() throws Exception {
        String body = """
                {"infra": "production", "settings": "./settings.yaml", "cluster_type": "slow-k8s"}""";
        try (EngineHostProcess db = EngineHostProcess.start(Files.createDirectories(root.resolve("db")));
                ServerProcess a = node(db, "a")) {
            Api api = a.api();
            // the key check is done and the cluster is being planned: the database hangs before the write
            CompletableFuture<Api.Reply> first = CompletableFuture.supplyAsync(() -> post(api, body));
            Path planning = workspace.resolve("planning-slow-k8s");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> Files.exists(planning));
            Signals.stop(db.pid());
            Api.Reply unavailable;
            try {
                unavailable = first.get();
            } finally {
                Signals.resume(db.pid());
            }
            assertThat(unavailable.status()).as(String.valueOf(unavailable.body())).isEqualTo(503);
            assertThat(unavailable.error()).contains("Idempotency-Key");

            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                    .until(() -> api.get("/health").status() == 200);
            await("the write reached the database").atMost(Duration.ofSeconds(10)).until(() -> total(api) > 0);
            // its answer was lost: the retry must answer what was stored, not make another
            Api.Reply retried = post(api, body);
            assertThat(retried.status()).as(String.valueOf(retried.body())).isEqualTo(200);
            assertThat(retried.headers().get("idempotent-replayed")).containsExactly("true");
            assertThat(api.task(retried.data().asText()).path("name").asText()).startsWith("cluster create slow-k8s");
            assertThat(total(api)).as("tasks after the retry").isEqualTo(3);
        }
    }

    private ServerProcess node(EngineHostProcess db, String name) throws Exception {
        return ServerProcess.startWith(root.resolve("node-" + name), workspace, IdempotencyEndToEndTest.script(), "sh",
                db.flags("--workers", "2", "--surrealdb-lease-seconds", "3", "--cluster-plan-limit", "32"));
    }

    private static Api.Reply post(Api api, String body) {
        try {
            return api.post("/workflows/cluster/create", body, "Idempotency-Key", "lost-answer");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
