package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The checker the e2e suites' {@link Api} runs on every answer: it accepts what the document promises, nothing else. */
class OpenApiContractTest {
    private static final String TASK = """
            {"id":"0b6c1f7e-3c4d-4e5f-8a9b-0c1d2e3f4a5b","name":"servers create","command":"nu","args":["x"],
             "dependencies":[],"status":"Completed","created_at":"2026-01-01T00:00:00Z","started_at":null,
             "completed_at":null,"output":null,"error":null,"priority":50,"attempts":1,"max_attempts":3,
             "next_attempt_at":null,"timeout_seconds":60,"progress":{"percent":100,"message":"done"},"exit_code":0,
             "workflow":"servers.create","infra":"production","updated_at":"2026-01-01T00:00:01Z","sequence":7,
             "waiting_for":null,"locks":[],"continue_on_dependency_failure":false,"history":[]}""";
    private final OpenApiContract contract = OpenApiContract.standard();

    private static String ok(String data) {
        return "{\"success\":true,\"data\":" + data + ",\"error\":null}";
    }

    @Test
    void a_documented_answer_passes() {
        assertThat(contract.problems("GET", "/tasks/0b6c1f7e-3c4d-4e5f-8a9b-0c1d2e3f4a5b", 200, "application/json",
                ok(TASK))).isEmpty();
        assertThat(contract.problems("GET", "/tasks", 200, "application/json", ok("[" + TASK + "]"))).isEmpty();
        assertThat(contract.problems("GET", "/tasks/x", 404, "application/json",
                "{\"success\":false,\"data\":null,\"error\":\"task not found: 'x'\"}")).isEmpty();
        assertThat(contract.problems("GET", "/metrics", 200, "text/plain; version=0.0.4; charset=utf-8", "# HELP"))
                .isEmpty();
    }

    @Test
    void a_task_missing_a_field_or_with_a_wrong_type_or_value_fails() {
        assertThat(contract.problems("GET", "/tasks/a", 200, "application/json", ok(TASK.replace("\"locks\":[],", ""))))
                .anyMatch(p -> p.contains("locks"));
        assertThat(contract.problems("GET", "/tasks/a", 200, "application/json",
                ok(TASK.replace("\"priority\":50", "\"priority\":\"50\"")))).anyMatch(p -> p.contains("priority"));
        assertThat(contract.problems("GET", "/tasks/a", 200, "application/json",
                ok(TASK.replace("\"Completed\"", "\"Done\"")))).anyMatch(p -> p.contains("status"));
        assertThat(contract.problems("GET", "/tasks/a", 200, "application/json",
                ok(TASK.replace("2026-01-01T00:00:01Z", "yesterday")))).anyMatch(p -> p.contains("updated_at"));
    }

    @Test
    void an_envelope_that_is_not_one_fails() {
        assertThat(contract.problems("GET", "/tasks/a", 200, "application/json", TASK)).isNotEmpty();
        assertThat(contract.problems("GET", "/tasks/a", 404, "application/json",
                "{\"success\":true,\"data\":null,\"error\":\"no\"}")).isNotEmpty();
        assertThat(contract.problems("GET", "/nowhere", 404, "application/json", "{\"message\":\"Not found\"}"))
                .isNotEmpty();
    }

    @Test
    void an_undocumented_status_content_type_or_route_fails() {
        assertThat(contract.problems("GET", "/tasks/a", 418, "application/json",
                "{\"success\":false,\"data\":null,\"error\":\"teapot\"}")).anyMatch(p -> p.contains("418"));
        assertThat(contract.problems("GET", "/tasks/a", 200, "text/html", "<html>")).anyMatch(p -> p.contains("text/html"));
        assertThat(contract.problems("GET", "/nowhere", 200, "application/json", ok("1"))).isNotEmpty();
        assertThat(contract.problems("PUT", "/tasks", 200, "application/json", ok("[]"))).isNotEmpty();
    }

    @Test
    void a_literal_segment_wins_over_a_parameter() {
        assertThat(contract.template("post", "/test/environments/create")).contains("/test/environments/create");
        assertThat(contract.template("delete", "/test/environments/create")).contains("/test/environments/{id}");
        assertThat(contract.template("get", "/storage/migrations/current")).contains("/storage/migrations/current");
    }
}
