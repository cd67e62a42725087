package io.provisioning.orchestrator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.provisioning.orchestrator.auth.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@code ui-tests/*.test.mjs} file with {@code node --test} (playwright-core on Debian's
 * chromium) against a real server, and fails with its output when a browser test fails.
 * Screenshots go to {@code orchestrator-server/target/ui-screenshots/}.
 */
final class BrowserTests {
    private BrowserTests() {}

    /**
     * A workspace copy with {@code slow.yaml} (the shipped settings with 400 ms between steps: a long
     * task) and {@code fast.yaml} (no pause: a long log at once).
     */
    static Path workspace(Path dir) throws IOException {
        Path source = Components.repoRoot().resolve("workspace");
        Files.createDirectories(dir);
        String settings = Files.readString(source.resolve("settings.yaml"));
        Files.writeString(dir.resolve("settings.yaml"), settings);
        Files.writeString(dir.resolve("slow.yaml"), settings.replace("step_delay_ms: 50 ", "step_delay_ms: 400"));
        Files.writeString(dir.resolve("fast.yaml"), settings.replace("step_delay_ms: 50 ", "step_delay_ms: 0  "));
        return dir;
    }

    /** {@code scratch}: a folder the test owns (an online migration's target goes there). */
    static void run(String file, ServerProcess server, Path secret, Path scratch) throws Exception {
        Path root = Components.repoRoot();
        List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=spec",
                "--test-timeout=600000", root.resolve("ui-tests").resolve(file).toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("CONSOLE_URL", "http://127.0.0.1:" + server.port());
        env.put("CONSOLE_OPERATOR_TOKEN", Tokens.hs256(secret, Role.OPERATOR, "console-operator"));
        env.put("CONSOLE_VIEWER_TOKEN", Tokens.hs256(secret, Role.VIEWER, "console-viewer"));
        env.put("CONSOLE_ADMIN_TOKEN", Tokens.hs256(secret, Role.ADMIN, "console-admin"));
        env.put("CONSOLE_SLOW_SETTINGS", "./slow.yaml");
        env.put("CONSOLE_FAST_SETTINGS", "./fast.yaml");
        env.put("CONSOLE_MIGRATION_DIR", scratch.resolve("migrated-store").toString());
        env.put("CONSOLE_SCREENSHOTS", root.resolve("orchestrator-server/target/ui-screenshots").toString());
        env.put("CHROMIUM_PATH", ChromiumAvailable.chromium().toString());
        Process node = builder.start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[ui-tests] " + line);
                output.append(line).append('\n');
            }
        }
        if (!node.waitFor(60, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
        assertEquals(0, node.exitValue(), "browser tests in " + file + " failed:\n" + output + "\nserver log:\n"
                + String.join("\n", server.log()));
    }
}
