package io.provisioning.orchestrator.e2e;

import static io.provisioning.orchestrator.e2e.Environments.DOCKER;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.testenv.DockerAvailable;
import io.provisioning.orchestrator.testenv.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test environment through the console in a real chromium (ui-tests/testenv.test.mjs), on the
 * real Docker Engine with the locally built provisioning/* images: created from the form, its
 * container and check results shown, the checks run again from the page, its logs shown, deleted
 * from the page, nothing left in Docker.
 */
@ExtendWith(DockerAvailable.class)
@ExtendWith(ChromiumAvailable.class)
class ConsoleTestEnvironmentBrowserEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aTestEnvironmentIsCreatedInspectedAndDeletedFromTheConsole() throws Exception {
        Path secret = dir.resolve("jwt.key");
        Files.writeString(secret, "console-browser-test-secret-of-at-least-32-bytes\n");
        Path data = dir.resolve("data");
        try (ServerProcess server = Environments.startServer(data, "--auth-hs256-secret-file", secret.toString())) {
            BrowserTests.run("testenv.test.mjs", server, secret, dir);
        }
        String owner = Environments.owner(data);
        assertThat(DOCKER.listContainers(Map.of(Labels.OWNER, owner))).as("containers left").isEmpty();
        assertThat(DOCKER.listNetworks(Map.of(Labels.OWNER, owner))).as("networks left").isEmpty();
    }
}
