package io.provisioning.orchestrator.bench;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench}: the performance figures of docs/PERFORMANCE.md. Each subcommand prints a short
 * table; {@code bin/bench all} runs each in a JVM of its own so that one does not skew the next.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of the orchestrator: queue throughput, Nushell overhead, memory, submit-to-start "
                + "latency, SSE fan-out, storage backends, storage migration.",
        subcommands = {ThroughputCommand.class, OverheadCommand.class, MemoryCommand.class, LatencyCommand.class,
                SseCommand.class, BackendsCommand.class, MigrationCommand.class, HttpCommand.class, SpawnCommand.class})
public final class BenchMain {

    /** Options every benchmark takes. */
    static final class Common {
        @Option(names = "--bench-dir", description = "the benchmark workspace with trivial.nu and settings.yaml "
                + "(default: <repo>/bench)")
        Path benchDir;

        @Option(names = "--nu-path", defaultValue = "nu", description = "the Nushell binary (default: ${DEFAULT-VALUE})")
        String nuPath;

        @Option(names = "--data-root", description = "where each run's data dir is made, and removed after "
                + "(default: the JVM's temp dir)")
        Path dataRoot;

        @Option(names = "--postgresql-url", description = "postgresql: a server to use, e.g. jdbc:postgresql://127.0.0.1:55432/bench"
                + " (bin/bench starts a throw-away one when this is not given); each store gets a schema of its own")
        String postgresUrl;

        @Option(names = "--postgresql-user", defaultValue = "postgres", description = "postgresql: user (default: ${DEFAULT-VALUE})")
        String postgresUser;

        @Option(names = "--postgresql-password-file", description = "postgresql: a file whose first line is the password")
        Path postgresPasswordFile;

        PostgresServer postgres() {
            return postgresUrl == null ? null : new PostgresServer(postgresUrl, postgresUser, postgresPasswordFile);
        }

        BenchFixture fixture() {
            return fixture(Path.of(System.getProperty("java.io.tmpdir")));
        }

        /** With {@code defaultDataRoot} used when --data-root is not given and it is a writable folder. */
        BenchFixture fixture(Path defaultDataRoot) {
            Path home = Path.of(System.getProperty("orchestrator.home", "."));
            Path root = dataRoot != null ? dataRoot
                    : java.nio.file.Files.isDirectory(defaultDataRoot) && java.nio.file.Files.isWritable(defaultDataRoot)
                            ? defaultDataRoot : Path.of(System.getProperty("java.io.tmpdir"));
            return new BenchFixture(benchDir != null ? benchDir : home.resolve("bench"), nuPath, root);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
