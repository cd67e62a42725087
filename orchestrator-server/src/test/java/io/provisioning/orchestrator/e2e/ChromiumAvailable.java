package io.provisioning.orchestrator.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Guards the browser tests: they need Debian's chromium, node and the pinned playwright-core. In CI
 * ({@code CI=true}) a missing one FAILS the class; on a developer machine it is skipped with a banner.
 */
public final class ChromiumAvailable implements ExecutionCondition {
    static Path chromium() {
        String fromEnv = System.getenv("CHROMIUM_PATH");
        return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "/usr/bin/chromium");
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String problem = problem();
        if (problem == null) {
            return ConditionEvaluationResult.enabled("chromium and playwright-core are installed");
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + problem + "; .ci/run must apt_install chromium and npm install");
        }
        if (context.getTestMethod().isEmpty()) {
            System.err.println("\n" + "!".repeat(100) + "\n!! SKIPPED " + context.getDisplayName() + ": " + problem
                    + "\n!! The console's browser tests need Debian's chromium (apt-get install chromium) and npm ci"
                    + "\n" + "!".repeat(100) + "\n");
        }
        return ConditionEvaluationResult.disabled("SKIPPED (no browser): " + problem);
    }

    private static String problem() {
        if (!Files.isExecutable(chromium())) {
            return chromium() + " is missing";
        }
        if (!Files.isDirectory(Components.repoRoot().resolve("node_modules/playwright-core"))) {
            return "node_modules/playwright-core is missing";
        }
        return null;
    }
}
