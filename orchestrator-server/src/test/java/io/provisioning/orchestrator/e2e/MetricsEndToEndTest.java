package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics of the real server in Prometheus text format, after real tasks ran, failed and were retried. */
class MetricsEndToEndTest {
    /** A sample line: name{labels} value, with Prometheus naming rules. */
    static final Pattern SAMPLE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\""
            + "(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*})? (-?[0-9.E+-]+|NaN|\\+Inf|-Inf)");
    @TempDir Path dataDir;
    @TempDir Path workspace;

    @Test
    void exposes_task_http_storage_environment_and_jvm_metrics_in_prometheus_text_format() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "2")) {
            Api api = server.api();
            String ok = api.createServers(",\"priority\":\"high\"", "ok-m1");
            String failing = api.createServers(",\"max_attempts\":2", "fail-m2");
            await().atMost(Duration.ofSeconds(60)).until(() -> api.status(ok).equals("Completed")
                    && api.status(failing).equals("Failed"));
            api.get("/tasks/" + ok);
            api.get("/tasks/00000000-0000-0000-0000-000000000000");

            HttpResponse<String> response = api.text("/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
            String text = response.body();
            text.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .forEach(line -> assertThat(line).matches(SAMPLE));
            assertThat(text).contains(
                    "orchestrator_tasks{priority=\"high\",status=\"Completed\"} 1.0",
                    "orchestrator_tasks{priority=\"normal\",status=\"Failed\"} 1.0",
                    "orchestrator_tasks{priority=\"normal\",status=\"Running\"} 0.0",
                    "orchestrator_queue_depth 0.0",
                    "orchestrator_tasks_running 0.0",
                    "orchestrator_task_duration_seconds_count{status=\"Completed\",workflow=\"servers.create\"} 1",
                    "orchestrator_task_duration_seconds_count{status=\"Failed\",workflow=\"servers.create\"} 1",
                    "orchestrator_task_attempts_sum{workflow=\"servers.create\"} 3.0",
                    "orchestrator_task_failures_total{workflow=\"servers.create\"} 1.0",
                    "orchestrator_task_retries_total{workflow=\"servers.create\"} 1.0",
                    "orchestrator_task_submit_to_start_seconds_count{workflow=\"servers.create\"} 2",
                    "http_server_requests_seconds_count{method=\"POST\",route=\"/workflows/servers/create\",status=\"200\"} 2",
                    "http_server_requests_seconds_count{method=\"GET\",route=\"/tasks/{id}\",status=\"404\"} 1",
                    "orchestrator_test_environments{status=\"Ready\"} 0.0",
                    "# TYPE orchestrator_storage_operation_seconds histogram",
                    "jvm_memory_used_bytes{",
                    "jvm_gc_",
                    "jvm_threads_live_threads",
                    "process_uptime_seconds");
            assertThat(text).containsPattern("orchestrator_storage_operation_seconds_count\\{backend=\"filesystem\","
                    + "operation=\"save_submission\",outcome=\"ok\"} [1-9]");
            assertThat(text).containsPattern("http_server_requests_seconds_bucket\\{method=\"GET\",route=\"/tasks/\\{id}\","
                    + "status=\"200\",le=\"0.1\"} [1-9]");
        }
        try (ServerProcess restarted = ServerProcess.start(dataDir, workspace, Components.fixtureScript())) {
            assertThat(restarted.api().text("/metrics").body())
                    .as("task counts start from storage").contains("orchestrator_tasks{priority=\"high\",status=\"Completed\"} 1.0");
        }
    }
}
