package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.storage.StorageTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refuses bad configuration with one clear line and exit code 2, before touching anything. */
class StartupEndToEndTest {
    @TempDir Path dataDir;

    private Result run(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.provisioning.orchestrator.server.OrchestratorMain", "--port", "0", "--data-dir", dataDir.toString(),
                "--workspace", Components.repoRoot().resolve("workspace").toString(),
                "--provisioning-path", Components.repoRoot().resolve("provisioning/main.nu").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    record Result(int exit, String output) {}

    @Test
    void a_storage_type_that_is_not_built_in_stops_the_start_with_how_to_build_it() throws Exception {
        for (String type : List.of("surrealdb-embedded", "surrealdb-server")) {
            if (StorageTypes.builtIn().contains(type)) {
                continue; // this build has it; the SurrealDB module's own tests cover starting it
            }
            Result result = run("--storage-type", type);
            assertThat(result.exit()).isEqualTo(2);
            assertThat(result.output()).contains("'" + type + "' is not built into this orchestrator", "-Psurrealdb")
                    .doesNotContain("Exception");
        }
        Result unknown = run("--storage-type", "mongodb");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.output()).contains("unknown storage type 'mongodb'", "filesystem").doesNotContain("Exception");
    }

    @Test
    void bad_flags_get_one_clear_line() throws Exception {
        Result workers = run("--workers", "0");
        assertThat(workers.exit()).isEqualTo(2);
        assertThat(workers.output()).contains("--workers must be from 1 to 256");
        Result missingScript = run("--provisioning-path", "/nonexistent/main.nu");
        assertThat(missingScript.exit()).isEqualTo(2);
        assertThat(missingScript.output()).contains("--provisioning-path /nonexistent/main.nu is not a file");
    }
}
