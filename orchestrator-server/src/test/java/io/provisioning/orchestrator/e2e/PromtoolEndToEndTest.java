package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus' own linter accepts {@code GET /metrics} of the real server after real tasks ran,
 * failed and were retried: {@code promtool check metrics} (Debian's {@code prometheus} package)
 * finds nothing to say: help text on every metric, unit and counter suffixes as the conventions want.
 */
class PromtoolEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;

    @Test
    void promtool_check_metrics_accepts_the_real_metrics() throws Exception {
        Path promtool = promtool();
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "2")) {
            Api api = server.api();
            String ok = api.createServers("", "ok-p1");
            String failing = api.createServers(",\"max_attempts\":2", "fail-p2");
            await().atMost(Duration.ofSeconds(60)).until(() -> api.status(ok).equals("Completed")
                    && api.status(failing).equals("Failed"));
            api.get("/tasks/00000000-0000-0000-0000-000000000000");
            String metrics = api.text("/metrics").body();

            Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
            check.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
            check.getOutputStream().close();
            String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(said).as("promtool check metrics on GET /metrics").isEmpty();
            assertThat(check.exitValue()).isZero();
        }
    }

    /** Debian's promtool; $PROMTOOL overrides. Missing, the test fails (install the prometheus package). */
    static Path promtool() {
        String fromEnv = System.getenv("PROMTOOL");
        Path path = Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "/usr/bin/promtool");
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("promtool is missing at " + path
                    + ": apt-get install prometheus (.ci/run does) or set PROMTOOL");
        }
        return path;
    }
}
