package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gets a 4xx and one clear sentence, and nothing of it reaches a script or the disk. */
class BadInputEndToEndTest {
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void startServer() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Files.createDirectories(workspace.resolve("infra"));
        server = ServerProcess.start(dataDir, workspace, Components.fixtureScript());
        api = server.api();
    }

    @AfterAll
    static void nothingReachedAScriptOrTheDisk() throws Exception {
        try {
            assertThat(api.get("/tasks").data()).isEmpty();
            assertThat(dataDir.resolve("state")).doesNotExist();
            try (Stream<Path> tasks = Files.list(dataDir.resolve("queue.rkvs/tasks"))) {
                assertThat(tasks).isEmpty();
            }
        } finally {
            server.close();
        }
    }

    static Stream<Arguments> badWorkflowBodies() {
        String ok = "\"infra\":\"production\",\"settings\":\"./settings.yaml\"";
        return Stream.of(
                Arguments.of("{\"infra\": ", 400, "not valid JSON"),
                Arguments.of("[1, 2]", 400, "JSON object"),
                Arguments.of("", 400, "empty"),
                Arguments.of("{\"settings\":\"./settings.yaml\",\"servers\":[\"a\"]}", 400, "'infra' is required"),
                Arguments.of("{\"infra\":7,\"settings\":\"./settings.yaml\",\"servers\":[\"a\"]}", 400, "'infra' must be a string"),
                Arguments.of("{" + ok + ",\"servers\":\"web-01\"}", 400, "'servers' must be an array"),
                Arguments.of("{" + ok + ",\"servers\":[]}", 400, "at least one server"),
                Arguments.of("{" + ok + ",\"servers\":[\"web;rm -rf /\"]}", 400, "must be a name"),
                Arguments.of("{" + ok + ",\"servers\":[\"$(reboot)\"]}", 400, "must be a name"),
                Arguments.of("{" + ok + ",\"servers\":[\"web\\n01\"]}", 400, "\\u000a"),
                Arguments.of("{" + ok + ",\"servers\":[\"--check\"]}", 400, "must be a name"),
                Arguments.of("{\"infra\":\"prod\\u0007\",\"settings\":\"./settings.yaml\",\"servers\":[\"a\"]}", 400, "'infra'"),
                Arguments.of("{\"infra\":\"../etc\",\"settings\":\"./settings.yaml\",\"servers\":[\"a\"]}", 400, "'infra'"),
                Arguments.of("{\"infra\":\"p\",\"settings\":\"../../etc/passwd\",\"servers\":[\"a\"]}", 400, "'..'"),
                Arguments.of("{\"infra\":\"p\",\"settings\":\"/etc/passwd\",\"servers\":[\"a\"]}", 400, "inside the workspace"),
                Arguments.of("{\"infra\":\"p\",\"settings\":\"missing.yaml\",\"servers\":[\"a\"]}", 400, "no such file"),
                Arguments.of("{\"infra\":\"p\",\"settings\":\"infra\",\"servers\":[\"a\"]}", 400, "not a folder"),
                Arguments.of("{\"infra\":\"p\",\"settings\":\"set`id`.yaml\",\"servers\":[\"a\"]}", 400, "may only use"),
                Arguments.of("{" + ok + ",\"servers\":[\"a\"],\"check_mode\":\"yes\"}", 400, "'check_mode' must be true or false"),
                Arguments.of("{" + ok + ",\"servers\":[\"a\"],\"priority\":1000}", 400, "'priority'"),
                Arguments.of("{" + ok + ",\"servers\":[\"a\"],\"max_attempts\":0}", 400, "'max_attempts'"),
                Arguments.of("{" + ok + ",\"servers\":[\"a\"],\"timeout_seconds\":1.5}", 400, "'timeout_seconds'"),
                Arguments.of("{" + ok + ",\"servers\":[\"a\"],\"depends_on\":[\"x\"]}", 400, "task ids"),
                Arguments.of("{" + ok + ",\"servers\":[\"a\"],\"depends_on\":[\"00000000-0000-0000-0000-000000000000\"]}", 400, "unknown task"),
                Arguments.of("{" + ok + ",\"servers\":[\"a\",\"a\"]}", 400, "twice"));
    }

    @ParameterizedTest
    @MethodSource("badWorkflowBodies")
    void a_bad_workflow_body_gets_a_clear_4xx(String body, int status, String message) throws Exception {
        assertClearError(api.post("/workflows/servers/create", body), status, message);
    }

    @Test
    void taskserv_and_cluster_bodies_are_checked_too() throws Exception {
        assertClearError(api.post("/workflows/taskserv/create",
                "{\"infra\":\"p\",\"settings\":\"./settings.yaml\",\"taskserv\":\"pg|sh\"}"), 400, "'taskserv'");
        assertClearError(api.post("/workflows/taskserv/create",
                "{\"infra\":\"p\",\"settings\":\"./settings.yaml\",\"taskserv\":\"pg\",\"operation\":\"explode\"}"),
                400, "'operation'");
        assertClearError(api.post("/workflows/cluster/create",
                "{\"infra\":\"p\",\"settings\":\"./settings.yaml\"}"), 400, "'cluster_type' is required");
    }

    @Test
    void a_body_over_the_size_limit_gets_413() throws Exception {
        String huge = "{\"infra\":\"p\",\"settings\":\"./settings.yaml\",\"servers\":[\"" + "a".repeat(400_000) + "\"]}";
        assertClearError(api.post("/workflows/servers/create", huge), 413, "larger than");
    }

    @Test
    void a_bad_idempotency_key_gets_400() throws Exception {
        assertClearError(api.post("/workflows/servers/create",
                "{\"infra\":\"p\",\"settings\":\"./settings.yaml\",\"servers\":[\"a\"]}", "Idempotency-Key", "a b"),
                400, "Idempotency-Key");
    }

    @Test
    void bad_task_queries_get_clear_errors() throws Exception {
        assertClearError(api.get("/tasks?status=Bogus"), 400, "unknown status");
        assertClearError(api.get("/tasks?limit=0"), 400, "'limit'");
        assertClearError(api.get("/tasks?limit=1001"), 400, "'limit'");
        assertClearError(api.get("/tasks?limit=abc"), 400, "'limit'");
        assertClearError(api.get("/tasks?offset=-1"), 400, "'offset'");
        assertClearError(api.get("/tasks/00000000-0000-0000-0000-000000000000"), 404, "not found");
        assertClearError(api.get("/tasks/..%2F..%2Fetc"), 404, "not found");
        assertClearError(api.get("/no/such/endpoint"), 404, "not found");
        assertThat(api.get("/tasks?status=pending").status()).isEqualTo(200);
    }

    @Test
    void a_wrong_method_gets_an_envelope_too() throws Exception {
        Api.Reply reply = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/health"))
                .DELETE());
        assertThat(reply.status()).isIn(404, 405);
        assertThat(reply.success()).isFalse();
        assertThat(reply.error()).isNotBlank();
    }

    private static void assertClearError(Api.Reply reply, int status, String message) {
        assertThat(reply.status()).as("status of %s", reply.body()).isEqualTo(status);
        assertThat(reply.body()).as("an envelope").isNotNull();
        assertThat(reply.success()).isFalse();
        assertThat(reply.body().path("data").isNull()).isTrue();
        assertThat(reply.error()).contains(message).doesNotContain("Exception", "\tat ", "java.");
        assertThat(reply.error().lines().count()).as("one sentence").isEqualTo(1);
    }
}
