package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The document a real server serves passes {@code redocly lint} (the @redocly/cli pinned in
 * package-lock.json, rules in redocly.yaml: recommended-strict, warnings are errors). A missing
 * linter fails the test, in CI and everywhere: run {@code npm ci} (bin/test does).
 */
class OpenApiLintEndToEndTest {
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    @TempDir static Path out;
    static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        server = ServerProcess.start(dataDir, workspace, Components.fixtureScript());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openapi.json", "openapi.yaml"})
    void the_served_document_passes_redocly_lint(String name) throws Exception {
        Path redocly = Components.repoRoot().resolve("node_modules/.bin/redocly");
        assertThat(Files.isExecutable(redocly)).as("the pinned @redocly/cli at %s: run 'npm ci' in %s (bin/test does)",
                redocly, Components.repoRoot()).isTrue();
        HttpResponse<String> served = server.api().text("/" + name);
        assertThat(served.statusCode()).isEqualTo(200);
        Path file = out.resolve(name);
        Files.writeString(file, served.body());
        Process lint = new ProcessBuilder(List.of(redocly.toString(), "lint", "--format=stylish", "--config",
                Components.repoRoot().resolve("redocly.yaml").toString(), file.toString()))
                .redirectErrorStream(true).start();
        lint.getOutputStream().close();
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(120, TimeUnit.SECONDS)).as("redocly finished").isTrue();
        assertThat(lint.exitValue()).as("redocly lint %s:\n%s", name, output).isZero();
        // stylish lists each problem as "LINE:COL  warning|error  rule  message"
        assertThat(output).contains("is valid").doesNotContainPattern("\\d+:\\d+\\s+(warning|error)\\s");
    }
}
