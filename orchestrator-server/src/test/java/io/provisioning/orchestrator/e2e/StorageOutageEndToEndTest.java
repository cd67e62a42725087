package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.storage.StorageTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server on the real SurrealDB engine, which first hangs (SIGSTOP: its sockets stay open,
 * nothing answers) and then dies (SIGKILL); the embedded engine is also left hung until the service
 * replaces it by itself. While it is away, /health and writes answer 503 with a
 * reason and no stack trace, and the workers pause: no task fails because of it, and the outcome of
 * an attempt that was running is stored once the database is back, not run again. Then the service
 * resumes by itself and every task it acknowledged ends Completed.
 */
class StorageOutageEndToEndTest {
    private static final int BEFORE = 8;
    @TempDir Path root;
    private Path workspace;
    private Path script;

    @BeforeEach
    void setUp() throws Exception {
        boolean built = StorageTypes.builtIn().contains("surrealdb-server");
        if (System.getenv("CI") != null) {
            assertThat(built).as("CI builds with -Psurrealdb").isTrue();
        }
        Assumptions.assumeTrue(built, "built without -Psurrealdb");
        workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        script = Components.repoRoot().resolve("orchestrator-server/src/test/resources/fixtures/outage.sh");
    }

    @Test
    void a_surrealdb_server_that_hangs_then_dies_and_comes_back_loses_no_acknowledged_task() throws Exception {
        Path dataDir = root.resolve("node");
        try (EngineHostProcess db = EngineHostProcess.start(Files.createDirectories(root.resolve("db")));
                ServerProcess server = ServerProcess.startWith(dataDir, workspace, script, "sh",
                        db.flags("--workers", "2", "--surrealdb-lease-seconds", "3"))) {
            showLogOnFailure(server, () -> {
                Api api = server.api();
                List<String> acknowledged = submit(api, BEFORE, "before");
                awaitRunning(api);

                Signals.stop(db.pid());
                assertUnavailable(api, "SurrealDB");
                db.kill9();
                assertUnavailable(api, "SurrealDB");
                Thread.sleep(4_000); // longer than the lease: the running attempts' leases lapse meanwhile
                db.restart();

                awaitHealthy(api);
                acknowledged.addAll(submit(api, 3, "after"));
                assertEveryTaskRanOnceAndCompleted(api, acknowledged, dataDir);
            });
        }
    }

    @Test
    void the_embedded_engine_that_hangs_or_dies_is_restarted_by_the_service_and_no_acknowledged_task_is_lost()
            throws Exception {
        Path dataDir = root.resolve("node");
        try (ServerProcess server = ServerProcess.startWith(dataDir, workspace, script, "sh",
                "--storage-type", "surrealdb-embedded", "--workers", "2")) {
            showLogOnFailure(server, () -> {
                Api api = server.api();
                ProcessHandle engine = engineOf(server);
                List<String> acknowledged = submit(api, BEFORE, "before");
                awaitRunning(api);

                Signals.stop(engine.pid()); // hangs: alive, sockets open, no answer
                assertUnavailable(api, "SurrealDB");
                awaitHealthy(api); // the service kills the hung engine and starts another
                ProcessHandle second = engineOf(server);
                assertThat(second.pid()).as("a new engine process").isNotEqualTo(engine.pid());
                assertThat(engine.isAlive()).isFalse();
                acknowledged.addAll(submit(api, 2, "between"));

                second.destroyForcibly(); // dies
                second.onExit().get();
                awaitHealthy(api);
                acknowledged.addAll(submit(api, 3, "after"));
                assertEveryTaskRanOnceAndCompleted(api, acknowledged, dataDir);
                assertThat(server.log()).anyMatch(l -> l.contains("exited unexpectedly; restarting it"));
            });
        }
    }

    interface Steps {
        void run() throws Exception;
    }

    static void showLogOnFailure(ServerProcess server, Steps steps) throws Exception {
        try {
            steps.run();
        } catch (Exception | AssertionError e) {
            System.out.println("server log:\n" + String.join("\n", server.log()));
            throw e;
        }
    }

    static List<String> submit(Api api, int count, String prefix) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(api.createServers("", prefix + "-" + i));
        }
        return ids;
    }

    static void awaitRunning(Api api) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> total(api, "Running") > 0);
    }

    /** /health says why; a write is refused with a one-sentence reason; a read answers or says why; nothing fails. */
    static void assertUnavailable(Api api, String reason) throws Exception {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/health").status() == 503);
        Api.Reply health = api.get("/health");
        assertThat(health.error()).startsWith("storage is unavailable").contains(reason);
        assertNoStackTrace(health);

        Api.Reply write = api.post("/workflows/servers/create", "{\"infra\":\"production\",\"settings\":\"./settings.yaml\","
                + "\"servers\":[\"refused\"],\"check_mode\":false,\"wait\":false}");
        assertThat(write.status()).as(String.valueOf(write.body())).isEqualTo(503);
        assertThat(write.error()).contains("storage is unavailable", "try again later", "Idempotency-Key").contains(reason);
        assertNoStackTrace(write);

        Api.Reply read = api.get("/tasks?limit=100");
        assertThat(read.status()).as(String.valueOf(read.body())).isIn(200, 503);
        assertNoStackTrace(read);
        if (read.status() == 200) {
            read.data().forEach(t -> assertThat(t.path("status").asText()).isNotEqualTo("Failed"));
        }
    }

    private static void assertNoStackTrace(Api.Reply reply) {
        assertThat(reply.body()).as("a JSON envelope").isNotNull();
        assertThat(reply.body().toString()).doesNotContain("Exception", "\\tat ", ".java:");
    }

    static void awaitHealthy(Api api) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/health").status() == 200);
    }

    /**
     * Every acknowledged task is there and Completed, and ran to its end once: none failed because the
     * database was away, and no outcome was lost (a lost one would have made the task run again). The
     * only other attempts allowed are interrupted ones: an attempt that ran while this node could not
     * renew its leases is ended by the self-fence and recorded interrupted, and the task runs again.
     */
    static void assertEveryTaskRanOnceAndCompleted(Api api, List<String> acknowledged, Path dataDir)
            throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> total(api, "Completed") >= acknowledged.size());
        for (String id : acknowledged) {
            JsonNode task = api.task(id);
            assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("Completed");
            // an attempt running when its node stopped renewing its leases is ended by the fence and kept in the
            // history as interrupted; its task runs again, once: only that attempt ran to its end
            int interrupted = 0;
            for (JsonNode attempt : task.path("history")) {
                if (attempt.path("interrupted").asBoolean()) {
                    interrupted++;
                }
            }
            assertThat(task.path("attempts").asInt()).as(task.toString()).isEqualTo(1 + interrupted);
        }
        assertThat(total(api, "Failed")).isZero();
        try (Stream<Path> runs = Files.list(dataDir.resolve("state/runs"))) {
            assertThat(runs.filter(f -> f.toString().endsWith(".end")).count()).as("attempts that ran to their end")
                    .isEqualTo(acknowledged.size());
        }
    }

    private static long total(Api api, String status) throws Exception {
        Api.Reply reply = api.get("/tasks?status=" + status + "&limit=1");
        if (reply.status() != 200) {
            return -1;
        }
        return Long.parseLong(reply.headers().get("x-total-count").get(0));
    }

    /** The engine host the server runs as its child. */
    private static ProcessHandle engineOf(ServerProcess server) {
        return ProcessHandle.of(server.pid()).orElseThrow().children()
                .filter(p -> p.info().commandLine().orElse("").contains("server.mjs"))
                .findFirst().orElseThrow(() -> new AssertionError("no engine host process under the server"));
    }
}
