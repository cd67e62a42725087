package io.provisioning.orchestrator.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real chromium (ui-tests/console.test.mjs) against the real server with
 * authentication on and the shipped Nushell library run by real nu: sign-in (a bad token's 401),
 * a servers workflow submitted from the form reaching Completed live without a reload, the tasks
 * table updating live, a bad field's error beside it, a long task's log followed live and
 * cancelled, all of a long log page by page, a cluster's DAG turning green, a viewer's missing
 * Cancel and the real Cancel's 403 once the role dropped after the page loaded, the table filtered
 * by workflow and infra over several pages on the server and live within the filter, a phone's
 * width, the keyboard alone, light and dark, and (admin) the storage backend, an online
 * migration's progress, the audit check and the live summary.
 */
@ExtendWith(ChromiumAvailable.class)
class ConsoleBrowserEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void theConsoleDrivesTheRealServerInARealBrowser() throws Exception {
        Path secret = dir.resolve("jwt.key");
        Files.writeString(secret, "console-browser-test-secret-of-at-least-32-bytes\n");
        Path workspace = BrowserTests.workspace(dir.resolve("workspace"));
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"), workspace,
                Components.repoRoot().resolve("provisioning/main.nu"), "--auth-hs256-secret-file", secret.toString(),
                "--workers", "4", "--storage-migration-root", dir.toString())) {
            BrowserTests.run("console.test.mjs", server, secret, dir);
        }
    }
}
