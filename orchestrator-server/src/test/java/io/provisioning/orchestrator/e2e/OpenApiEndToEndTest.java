package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.provisioning.orchestrator.api.OpenApiDocument;
import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.TestKeys;
import io.provisioning.orchestrator.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document against a real server (authentication on, real nu running the fixture
 * script): it is served without a token, every answer of a walk through the routes matches it
 * (each {@link Api} call is checked by {@link OpenApiContract}), SSE events have the documented
 * names and data, and request bodies the server refuses for a limit or pattern the document refuses too.
 */
class OpenApiEndToEndTest {
    private static final String SETTINGS = "\"infra\":\"production\",\"settings\":\"./settings.yaml\"";
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    @TempDir static Path keys;
    static ServerProcess server;
    static Api anonymous;
    static Api viewer;
    static Api operator;
    static Api admin;
    static String operatorToken;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Path secret = TestKeys.secretFile(keys, "jwt.secret");
        server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                "--auth-hs256-secret-file", secret.toString(), "--workers", "2", "--max-body-bytes", "65536");
        anonymous = server.api();
        viewer = anonymous.withToken(Tokens.hs256(secret, Role.VIEWER, "vic"));
        operatorToken = Tokens.hs256(secret, Role.OPERATOR, "alice");
        operator = anonymous.withToken(operatorToken);
        admin = anonymous.withToken(Tokens.hs256(secret, Role.ADMIN, "root"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void the_document_is_served_without_a_token_as_json_and_yaml_and_is_the_one_answers_are_checked_against()
            throws Exception {
        HttpResponse<String> json = anonymous.text("/openapi.json");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        HttpResponse<String> yaml = anonymous.text("/openapi.yaml");
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("Content-Type").orElse("")).startsWith("application/yaml");
        JsonNode served = Json.mapper().readTree(json.body());
        assertThat(new YAMLMapper().readTree(yaml.body())).isEqualTo(served);
        assertThat(served).isEqualTo(OpenApiDocument.load().tree());
        assertThat(served.at("/info/version").asText()).isEqualTo(admin.get("/version").data().path("version").asText());
        // the routes beside it still want a token, and say so as documented
        Api.Reply refused = anonymous.get("/tasks");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.headers().get("www-authenticate")).containsExactly("Bearer");
    }

    @Test
    void a_walk_through_the_task_workflow_storage_audit_and_service_routes_answers_as_documented() throws Exception {
        assertThat(anonymous.get("/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/version").status()).isEqualTo(200);
        assertThat(viewer.text("/metrics").statusCode()).isEqualTo(200);

        String body = "{" + SETTINGS + ",\"servers\":[\"ok-walk\"],\"priority\":\"high\",\"max_attempts\":2}";
        Api.Reply submitted = operator.post("/workflows/servers/create", body, "Idempotency-Key", "walk-1");
        assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(200);
        String id = submitted.data().asText();
        Api.Reply replayed = operator.post("/workflows/servers/create", body, "Idempotency-Key", "walk-1");
        assertThat(replayed.data().asText()).isEqualTo(id);
        assertThat(operator.post("/workflows/servers/create", "{" + SETTINGS + ",\"servers\":[\"ok-other\"]}",
                "Idempotency-Key", "walk-1").status()).isEqualTo(409);
        await().atMost(SseReader.patience()).until(() -> viewer.status(id).equals("Completed"));

        assertThat(viewer.get("/tasks/" + id).status()).isEqualTo(200);
        assertThat(viewer.get("/tasks?status=completed&limit=5&offset=0").status()).isEqualTo(200);
        assertThat(viewer.get("/tasks?limit=0").status()).isEqualTo(400);
        Api.Reply logs = viewer.get("/tasks/" + id + "/logs");
        assertThat(logs.status()).isEqualTo(200);
        assertThat(logs.data().get(0).path("lines").toString()).contains("created ok-walk");
        assertThat(viewer.get("/tasks/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
        assertThat(viewer.get("/tasks/not-a-task").status()).isEqualTo(404);
        assertThat(viewer.post("/tasks/" + id + "/cancel", "").status()).isEqualTo(403);
        assertThat(operator.post("/tasks/" + id + "/cancel", "").status()).isEqualTo(409);

        String failed = operator.createServers(",\"max_attempts\":1", "fail-walk");
        await().atMost(SseReader.patience()).until(() -> viewer.status(failed).equals("Failed"));
        Api.Reply retried = operator.post("/tasks/" + failed + "/retry", "");
        assertThat(retried.status()).as("%s", retried.body()).isEqualTo(200);
        assertThat(retried.data().path("status").asText()).isEqualTo("Pending");

        Api.Reply taskserv = operator.post("/workflows/taskserv/create",
                "{" + SETTINGS + ",\"taskserv\":\"redis\",\"servers\":[\"ok-ts\"],\"check_mode\":true}");
        assertThat(taskserv.status()).as("%s", taskserv.body()).isEqualTo(200);
        Api.Reply batch = operator.post("/workflows/batch", "{\"tasks\":["
                + "{\"ref\":\"first\",\"workflow\":\"servers\"," + SETTINGS + ",\"servers\":[\"ok-b1\"]},"
                + "{\"ref\":\"second\",\"workflow\":\"servers\"," + SETTINGS + ",\"servers\":[\"ok-b2\"],"
                + "\"after\":[\"first\"]}]}");
        assertThat(batch.status()).as("%s", batch.body()).isEqualTo(200);
        assertThat(batch.data().fieldNames()).toIterable().containsExactlyInAnyOrder("first", "second");
        assertThat(operator.post("/workflows/batch", "{\"tasks\":[]}").status()).isEqualTo(400);
        assertThat(operator.post("/workflows/servers/create", "{\"pad\":\"" + "x".repeat(70_000) + "\"}").status())
                .isEqualTo(413);
        assertThat(operator.post("/workflows/servers/create", "{not json").status()).isEqualTo(400);

        assertThat(operator.get("/storage").status()).isEqualTo(403);
        assertThat(admin.get("/storage").status()).isEqualTo(200);
        assertThat(admin.get("/storage/migrations/current").status()).isEqualTo(404);
        assertThat(admin.post("/storage/migrations", "{\"to\":\"floppy\"}").status()).isEqualTo(400);
        Api.Reply audit = admin.get("/audit?limit=10");
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.data().size()).isPositive();
        assertThat(admin.get("/audit?from=yesterday").status()).isEqualTo(400);
        Api.Reply verified = admin.get("/audit/verify");
        assertThat(verified.data().path("intact").asBoolean()).as("%s", verified.body()).isTrue();
        // test environments answer too: 200 with Docker, 503 with a sentence without it; both are documented
        assertThat(viewer.get("/test/topologies").status()).isIn(200, 503);
        assertThat(viewer.get("/test/environments").status()).isIn(200, 503);
        // a route that does not exist still answers the error envelope
        assertThat(viewer.get("/no/such/route").status()).isEqualTo(404);
    }

    @Test
    void a_task_stream_ends_after_its_terminal_status_and_every_event_is_a_documented_one() throws Exception {
        String id = operator.createServers("", "ok-sse");
        List<SseReader.Event> events;
        try (SseReader reader = new SseReader(server.api().base() + "/tasks/" + id + "/events", null, operatorToken)) {
            await().atMost(SseReader.patience()).until(reader::ended);
            events = reader.events;
        }
        assertThat(events).isNotEmpty();
        assertThat(events.getLast().data().path("status").asText()).isEqualTo("Completed");
        assertThat(events.stream().map(SseReader.Event::name).distinct()).containsExactlyInAnyOrder("task", "log");
        OpenApiContract contract = OpenApiContract.standard();
        for (SseReader.Event event : events) {
            var asSeen = Json.mapper().createObjectNode().put("id", event.id()).put("event", event.name());
            asSeen.set("data", event.data());
            assertThat(contract.schemaProblems("#/components/schemas/ServerSentEvent", asSeen)).isEmpty();
        }
    }

    @Test
    void bodies_the_server_refuses_for_a_pattern_or_limit_the_document_refuses_and_good_ones_it_accepts()
            throws Exception {
        OpenApiContract contract = OpenApiContract.standard();
        Map<String, String> refused = Map.of(
                "a name with a space", "{" + SETTINGS + ",\"servers\":[\"web 01\"]}",
                "a name starting with a dash", "{" + SETTINGS + ",\"servers\":[\"-rf\"]}",
                "no servers", "{" + SETTINGS + ",\"servers\":[]}",
                "max_attempts over 20", "{" + SETTINGS + ",\"servers\":[\"ok-a\"],\"max_attempts\":21}",
                "priority over 100", "{" + SETTINGS + ",\"servers\":[\"ok-a\"],\"priority\":101}",
                "an unknown priority name", "{" + SETTINGS + ",\"servers\":[\"ok-a\"],\"priority\":\"urgent\"}",
                "a zero timeout", "{" + SETTINGS + ",\"servers\":[\"ok-a\"],\"timeout_seconds\":0}",
                "an unknown operation", "{" + SETTINGS + ",\"servers\":[\"ok-a\"],\"operation\":\"explode\"}",
                "depends_on not uuids", "{" + SETTINGS + ",\"servers\":[\"ok-a\"],\"depends_on\":[\"x\"]}",
                "no infra", "{\"settings\":\"./settings.yaml\",\"servers\":[\"ok-a\"]}");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            Api.Reply reply = operator.post("/workflows/servers/create", bad.getValue());
            assertThat(reply.status()).as("server on %s: %s", bad.getKey(), reply.body()).isEqualTo(400);
            assertThat(contract.requestProblems("POST", "/workflows/servers/create", bad.getValue()))
                    .as("the document on %s", bad.getKey()).isNotEmpty();
        }
        String good = "{" + SETTINGS + ",\"servers\":[\"ok-good\",\"ok-good.2\"],\"priority\":100,\"max_attempts\":20,"
                + "\"timeout_seconds\":86400,\"check_mode\":true,\"wait\":false,\"operation\":\"create\"}";
        assertThat(contract.requestProblems("POST", "/workflows/servers/create", good)).isEmpty();
        Api.Reply accepted = operator.post("/workflows/servers/create", good);
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(200);
        String taskservMissing = "{" + SETTINGS + ",\"servers\":[\"ok-a\"]}";
        assertThat(operator.post("/workflows/taskserv/create", taskservMissing).status()).isEqualTo(400);
        assertThat(contract.requestProblems("POST", "/workflows/taskserv/create", taskservMissing)).isNotEmpty();
        await().atMost(Duration.ofSeconds(60)).until(() -> viewer.status(accepted.data().asText()).equals("Completed"));
    }
}
