package io.provisioning.orchestrator.cli.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code provisioning storage migrate --online} and {@code storage status} against a real orchestrator of their own. */
class OnlineMigrationCommandTest {
    @TempDir Path root;

    @Test
    void moves_the_running_orchestrator_to_another_store_and_status_shows_it() {
        try (Closing server = new Closing(RealOrchestrator.dedicated("--storage-migration-root", root.toString()))) {
            Cli cli = Cli.against(server.it.url());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                CliResult submitted = cli.run("workflow", "servers", "create", "--infra", "test", "ok-" + i);
                assertThat(submitted.exitCode()).as(submitted.err()).isZero();
                ids.add(submitted.out().strip());
            }
            CliResult before = cli.run("storage", "status");
            Path target = root.resolve("moved");

            CliResult migrated = cli.run("storage", "migrate", "--online", "--to", "filesystem", "--to-data-dir",
                    target.toString(), "--batch-size", "2");
            CliResult after = cli.run("storage", "status");
            CliResult json = cli.run("storage", "status", "-o", "json");

            assertThat(before.out()).startsWith("backend:    filesystem (" + server.it.home().resolve("data") + ")\n")
                    .contains("migration:  none since the orchestrator started");
            assertThat(migrated.exitCode()).as(migrated.err()).isZero();
            assertThat(migrated.out()).contains("switched the orchestrator at " + server.it.url()
                    + " from filesystem to filesystem: ", "tasks copied while it ran, content digest ");
            assertThat(after.out()).startsWith("backend:    filesystem (" + target + ")\n")
                    .contains("migration:  SWITCHED filesystem -> filesystem", "verified:   content digest ");
            assertThat(json.out()).contains("\"state\" : \"SWITCHED\"");
            CliResult listed = cli.run("task", "list", "-o", "json");
            for (String id : ids) {
                assertThat(listed.out()).contains(id);
                assertThat(cli.run("task", "show", id).exitCode()).isZero();
            }
            // the orchestrator writes to the new store now
            CliResult later = cli.run("workflow", "servers", "create", "--infra", "test", "ok-later");
            assertThat(later.exitCode()).isZero();
            server.close();
            try (TaskStorage moved = StorageTypes.open("filesystem", target, Map.of())) {
                assertThat(moved.find(later.out().strip())).isPresent();
                for (String id : ids) {
                    assertThat(moved.find(id)).isPresent();
                }
            }
        }
    }

    @Test
    void the_orchestrator_refusing_a_migration_is_exit_2_with_its_sentence() {
        try (Closing server = new Closing(RealOrchestrator.dedicated("--storage-migration-root", root.toString()))) {
            Cli cli = Cli.against(server.it.url());

            CliResult same = cli.run("storage", "migrate", "--online", "--to", "filesystem");
            CliResult withFrom = cli.run("storage", "migrate", "--online", "--from", "filesystem", "--to", "filesystem");

            assertThat(same.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(same.errLines()).containsExactly("provisioning: the orchestrator already uses filesystem ("
                    + server.it.home().resolve("data") + "); name another store (a different data_dir or database)");
            assertThat(withFrom.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(withFrom.errLines()).containsExactly(
                    "provisioning: --online moves the orchestrator's live store; leave out --from and its options");
        }
    }

    /** Stops the dedicated server at the end of the test, once. */
    private static final class Closing implements AutoCloseable {
        final RealOrchestrator it;
        private boolean closed;

        Closing(RealOrchestrator it) {
            this.it = it;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                it.close();
            }
        }
    }
}
