package io.provisioning.orchestrator.cli.storage;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.SurrealServer;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.StoreContents;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import io.provisioning.orchestrator.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code provisioning storage migrate} offline, on the real backends: the filesystem store, the
 * embedded SurrealDB engine (started by the backend itself) and a SurrealDB server (the real engine
 * behind the project's engine host, as in the storage module's contract tests) and a real
 * PostgreSQL server (a throw-away initdb cluster, a database of its own per side).
 */
class OfflineMigrationCommandTest {
    private static final int TASKS = 300;
    private static SurrealServer engine;
    @TempDir Path root;

    static Stream<Arguments> everyOrderedPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (String from : StorageTypes.KNOWN) {
            for (String to : StorageTypes.KNOWN) {
                pairs.add(Arguments.of(from, to));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("everyOrderedPair")
    void copies_every_task_and_the_queue_and_verifies_counts_and_content_hashes(String from, String to) throws IOException {
        needsBuiltIn(from, to);
        Side source = side("from", from);
        Side target = side("to", to);
        StoreContents before = fill(source, TASKS);
        Map<String, String> sourceFiles = filesOf(source);

        CliResult result = Cli.against(null).run(args(source, target, "--batch-size", "64"));

        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("migrated " + TASKS + " tasks (" + before.queued().size() + " queued) from " + from,
                "verified: " + TASKS + " tasks on both sides, content digest " + before.digest());
        assertThat(contentsOf(target)).isEqualTo(before);
        assertThat(contentsOf(source)).isEqualTo(before);
        assertThat(filesOf(source)).isEqualTo(sourceFiles);
    }

    @Test
    void shows_plain_progress_lines_on_a_pipe_and_a_redrawn_bar_on_a_terminal() {
        Side source = side("from", "filesystem");
        fill(source, 120);
        CliResult plain = Cli.against(null).run(args(source, side("to", "filesystem"), "--batch-size", "10"));
        Side secondTarget = new Side("to", "filesystem", root.resolve("second-target"), null, null, null);
        CliResult bar = Cli.against(null).onTerminal().env("COLUMNS", "100")
                .run(args(source, secondTarget, "--batch-size", "10"));

        assertThat(plain.exitCode()).isZero();
        assertThat(plain.out()).contains("copying ", "verifying 120/120 tasks (100%)\n").doesNotContain("\r");
        assertThat(bar.exitCode()).isZero();
        assertThat(bar.out()).contains("\r\033[Kverifying [########################] 100%  120/120 tasks\n",
                "migrated 120 tasks");
    }

    @Test
    void a_dry_run_reads_and_verifies_the_source_and_writes_nothing() {
        Side source = side("from", "filesystem");
        StoreContents before = fill(source, 50);
        Side target = side("to", "filesystem");

        CliResult result = Cli.against(null).run(args(source, target, "--dry-run"));

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("dry run: filesystem (" + source.dataDir + ") holds 50 tasks ("
                + before.queued().size() + " queued), content digest " + before.digest(), "nothing was written");
        assertThat(target.dataDir).doesNotExist();
    }

    @Test
    void refuses_a_target_that_is_not_empty_and_leaves_the_source_as_it_was() throws IOException {
        Side source = side("from", "filesystem");
        StoreContents before = fill(source, 40);
        Map<String, String> sourceFiles = filesOf(source);
        Side target = side("to", "filesystem");
        fill(target, 3);

        CliResult result = Cli.against(null).run(args(source, target));

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.errLines()).containsExactly("provisioning: the target filesystem (" + target.dataDir
                + ") already holds 3 tasks; migrate into an empty store (a new data dir or database); the source is unchanged");
        assertThat(contentsOf(source)).isEqualTo(before);
        assertThat(filesOf(source)).isEqualTo(sourceFiles);
    }

    @Test
    void refuses_a_data_dir_that_a_running_orchestrator_holds() {
        Side source = side("from", "filesystem");
        fill(source, 5);
        try (TaskStorage running = StorageTypes.open("filesystem", source.dataDir, Map.of())) {
            CliResult result = Cli.against(null).run(args(source, side("to", "filesystem")));

            assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.errLines()).containsExactly("provisioning: cannot open the source filesystem (" + source.dataDir
                    + "): the data dir " + source.dataDir + " is in use by a running orchestrator (it holds "
                    + source.dataDir.resolve("queue.rkvs/lock") + "); stop it first; the source is unchanged");
            assertThat(running.count()).isEqualTo(5);
        }
    }

    @Test
    void refuses_an_embedded_engine_data_dir_that_a_running_orchestrator_holds() {
        needsBuiltIn("surrealdb-embedded");
        Side source = side("from", "surrealdb-embedded");
        fill(source, 5);
        try (TaskStorage running = source.open()) {
            CliResult result = Cli.against(null).run(args(source, side("to", "filesystem")));

            assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.errLines()).containsExactly("provisioning: cannot open the source surrealdb-embedded ("
                    + source.dataDir + "): the data dir " + source.dataDir + " is in use by a running orchestrator (its "
                    + "SurrealDB engine holds " + source.dataDir.resolve("surrealdb/LOCK") + "); stop it first; the source is unchanged");
            assertThat(running.count()).isEqualTo(5);
        }
    }

    @Test
    void an_unreachable_database_is_exit_3_with_one_line_and_the_source_unchanged() {
        needsBuiltIn("surrealdb-server");
        Side source = side("from", "filesystem");
        StoreContents before = fill(source, 5);

        CliResult result = Cli.against(null).run("storage", "migrate", "--from", "filesystem", "--from-data-dir",
                source.dataDir.toString(), "--to", "surrealdb-server", "--to-surrealdb-url", "ws://127.0.0.1:1");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("provisioning: cannot open the target surrealdb-server (ws://127.0.0.1:1 orchestrator/tasks): ")
                .endsWith("; the source is unchanged\n");
        assertThat(contentsOf(source)).isEqualTo(before);
    }

    @Test
    void bad_input_is_exit_2_with_one_line() {
        Path dir = root.resolve("a");
        CliResult unknown = Cli.against(null).run("storage", "migrate", "--from", "mysql", "--to", "filesystem");
        CliResult noDir = Cli.against(null).run("storage", "migrate", "--from", "filesystem", "--to", "filesystem",
                "--to-data-dir", dir.toString());
        CliResult same = Cli.against(null).run("storage", "migrate", "--from", "filesystem", "--from-data-dir", dir.toString(),
                "--to", "filesystem", "--to-data-dir", dir.toString());
        CliResult missing = Cli.against(null).run("storage", "migrate", "--from", "filesystem", "--from-data-dir",
                dir.toString(), "--to", "filesystem", "--to-data-dir", root.resolve("b").toString());

        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.errLines()).containsExactly("provisioning: unknown storage type 'mysql' for --from; known types: "
                + "filesystem, postgresql, surrealdb-embedded, surrealdb-server");
        assertThat(noDir.errLines()).containsExactly("provisioning: --from filesystem needs --from-data-dir DIR");
        assertThat(same.errLines()).containsExactly("provisioning: --from and --to name the same store: filesystem (" + dir + ")");
        assertThat(missing.errLines()).containsExactly("provisioning: there is no filesystem store in " + dir
                + " (check --from-data-dir)");
        assertThat(List.of(noDir.exitCode(), same.exitCode(), missing.exitCode())).containsOnly(ExitCodes.BAD_INPUT);
        assertThat(dir).doesNotExist();
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Where one side's data is: a data dir, or a database of its own on the shared test engine. */
    private record Side(String prefix, String type, Path dataDir, String url, String database, PostgresCluster pg) {
        List<String> flags() {
            List<String> flags = new ArrayList<>(List.of("--" + prefix, type));
            if (pg != null) {
                flags.addAll(List.of("--" + prefix + "-postgresql-url", pg.url(database), "--" + prefix + "-postgresql-user",
                        PostgresCluster.USER, "--" + prefix + "-postgresql-password-file", pg.passwordFile().toString()));
            } else if (dataDir != null) {
                flags.addAll(List.of("--" + prefix + "-data-dir", dataDir.toString()));
            } else {
                flags.addAll(List.of("--" + prefix + "-surrealdb-url", url, "--" + prefix + "-surrealdb-username",
                        SurrealServer.USER, "--" + prefix + "-surrealdb-password", SurrealServer.PASSWORD,
                        "--" + prefix + "-surrealdb-namespace", "test", "--" + prefix + "-surrealdb-database", database));
            }
            return flags;
        }

        TaskStorage open() {
            if (pg != null) {
                Map<String, String> options = pg.storageOptions(database);
                options.put("postgresql-node-id", "test");
                return StorageTypes.open(type, Path.of("."), options);
            }
            if (dataDir != null) {
                return StorageTypes.open(type, dataDir, Map.of());
            }
            return StorageTypes.open(type, Path.of("."), Map.of("surrealdb-url", url, "surrealdb-username", SurrealServer.USER,
                    "surrealdb-password", SurrealServer.PASSWORD, "surrealdb-namespace", "test", "surrealdb-database", database,
                    "surrealdb-node-id", "test"));
        }
    }

    private Side side(String prefix, String type) {
        if (type.equals("surrealdb-server")) {
            return new Side(prefix, type, null, engine().url(), SurrealServer.uniqueDatabase(), null);
        }
        if (type.equals("postgresql")) {
            PostgresCluster pg = PostgresCluster.shared();
            return new Side(prefix, type, null, null, pg.createDatabase(), pg);
        }
        return new Side(prefix, type, root.resolve(prefix + "-" + type), null, null, null);
    }

    private static String[] args(Side source, Side target, String... more) {
        List<String> args = new ArrayList<>(List.of("storage", "migrate"));
        args.addAll(source.flags());
        args.addAll(target.flags());
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** Tasks in every state, about a third queued; returns what the store holds. */
    private static StoreContents fill(Side side, int n) {
        try (TaskStorage storage = side.open()) {
            List<Task> batch = new ArrayList<>();
            java.util.Set<String> queued = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                Task task = switch (i % 4) {
                    case 0 -> aTask().pending();
                    case 1 -> aTask().running();
                    case 2 -> aTask().completed();
                    default -> aTask().failed();
                };
                if (i % 4 == 0) {
                    queued.add(task.id());
                }
                batch.add(task);
            }
            storage.importBatch(batch, queued);
            return StoreContents.read(storage, 100, done -> { });
        }
    }

    private static StoreContents contentsOf(Side side) {
        try (TaskStorage storage = side.open()) {
            return StoreContents.read(storage, 100, done -> { });
        }
    }

    /** A data dir's task and queue files and their contents (a server database has none). */
    private static Map<String, String> filesOf(Side side) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (side.dataDir == null || !side.type.equals("filesystem")) {
            return files;
        }
        try (Stream<Path> paths = Files.walk(side.dataDir.resolve("queue.rkvs"))) {
            for (Path p : paths.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".json")).toList()) {
                files.put(side.dataDir.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }

    private static void needsBuiltIn(String... types) {
        boolean ci = System.getenv("CI") != null && !"false".equalsIgnoreCase(System.getenv("CI"));
        for (String type : types) {
            // in CI a backend missing from the build fails the test (StorageTypes says how to build it)
            Assumptions.assumeTrue(ci || StorageTypes.builtIn().contains(type), type + " is not built in (build with -Psurrealdb)");
        }
    }

    private static synchronized SurrealServer engine() {
        if (engine == null) {
            try {
                engine = SurrealServer.start(Files.createTempDirectory("migration-engine"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return engine;
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
