package io.provisioning.orchestrator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.storage.StorageTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bin/bench backends} and {@code bin/bench migration} still run end to end, on a few tasks; no figure is checked. */
class StorageBenchSmokeTest {
    private static final Path REPO = Path.of(System.getProperty("orchestrator.repo.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dataRoot;

    @Test
    void the_backends_and_migration_benchmarks_run_on_every_backend_built_in() {
        System.setProperty("orchestrator.home", REPO.toString());
        boolean surreal = StorageTypes.builtIn().contains("surrealdb-embedded");
        if (System.getenv("CI") != null) {
            assertThat(surreal).as("CI builds with -Psurrealdb").isTrue();
        }
        String storages = surreal ? "filesystem,surrealdb-embedded,surrealdb-server" : "filesystem";
        String pairs = surreal ? "filesystem:surrealdb-embedded,surrealdb-embedded:filesystem,filesystem:surrealdb-server"
                : "filesystem:filesystem";

        assertThat(run("backends", "--storage", storages, "--tasks", "100", "--runs", "1", "--warmup-tasks", "20",
                "--submitters", "4", "--workers", "4")).isZero();
        assertThat(run("migration", "--pairs", pairs, "--tasks", "250", "--runs", "1", "--batch-size", "100")).isZero();
        assertThat(dataRoot).isEmptyDirectory(); // sources, targets and the server's files are removed
    }

    private int run(String command, String... options) {
        List<String> args = new ArrayList<>(List.of(command, "--bench-dir", REPO.resolve("bench").toString(),
                "--data-root", dataRoot.toString()));
        args.addAll(List.of(options));
        return new CommandLine(new BenchMain()).execute(args.toArray(String[]::new));
    }
}
