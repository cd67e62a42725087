package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.OrchestratorException;
import io.provisioning.orchestrator.engine.ConcurrencyLimits;
import io.provisioning.orchestrator.format.DataFormats;
import io.provisioning.orchestrator.migration.StorageChoice;
import io.provisioning.orchestrator.testenv.docker.DockerHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/orchestrator}: the server, with the Rust orchestrator's flags. */
@Command(name = "orchestrator", mixinStandardHelpOptions = true, versionProvider = OrchestratorMain.Version.class,
        description = "Runs the provisioning orchestrator: REST API, persistent queue, Nushell workers.",
        sortOptions = false)
public final class OrchestratorMain implements Callable<Integer> {
    /** {@code --version}: the build's version, the storage backends built into it and the data formats it writes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"orchestrator " + io.provisioning.orchestrator.OrchestratorVersion.current(),
                    "storage backends: " + String.join(", ", io.provisioning.orchestrator.storage.StorageTypes.builtIn()),
                    "data formats: " + new java.util.TreeMap<>(DataFormats.current().supported()).entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")),
                    "java " + Runtime.version()};
        }
    }

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--data-dir", defaultValue = "./data", description = "where tasks, logs and state live (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--storage-type",
            description = "filesystem, postgresql, surrealdb-embedded or surrealdb-server (default: the backend an online migration "
                    + "recorded in <data-dir>/storage.json, else filesystem)")
    String storageType;

    @Option(names = "--surrealdb-url", description = "surrealdb-server: the server's WebSocket RPC, e.g. ws://db:8000")
    String surrealUrl;

    @Option(names = "--surrealdb-username", defaultValue = "root", description = "surrealdb-server: user to sign in as (default: ${DEFAULT-VALUE})")
    String surrealUser;

    @Option(names = "--surrealdb-password", defaultValue = "${env:SURREALDB_PASSWORD:-root}",
            description = "surrealdb-server: its password (default: $SURREALDB_PASSWORD, else root)")
    String surrealPassword;

    @Option(names = "--surrealdb-namespace", defaultValue = "orchestrator", description = "surrealdb-server: namespace (default: ${DEFAULT-VALUE})")
    String surrealNamespace;

    @Option(names = "--surrealdb-database", defaultValue = "tasks", description = "surrealdb-server: database (default: ${DEFAULT-VALUE})")
    String surrealDatabase;

    @Option(names = "--surrealdb-lease-seconds", defaultValue = "10",
            description = "surrealdb-server: a running task stays this node's this long without renewal; then other nodes take it over (default: ${DEFAULT-VALUE})")
    int surrealLeaseSeconds;

    @Option(names = "--postgresql-url", description = "postgresql: the database, as a JDBC URL, e.g. jdbc:postgresql://db:5432/orchestrator")
    String postgresUrl;

    @Option(names = "--postgresql-user", defaultValue = "orchestrator", description = "postgresql: user to connect as (default: ${DEFAULT-VALUE})")
    String postgresUser;

    @Option(names = "--postgresql-password-file", paramLabel = "FILE",
            description = "postgresql: a file whose first line is the password (default: $POSTGRESQL_PASSWORD, else none); never logged")
    String postgresPasswordFile;

    @Option(names = "--postgresql-pool-size", defaultValue = "10", description = "postgresql: connections in the pool (default: ${DEFAULT-VALUE})")
    int postgresPoolSize;

    @Option(names = "--postgresql-lease-seconds", defaultValue = "10",
            description = "postgresql: a running task stays this node's this long without renewal; then other nodes take it over (default: ${DEFAULT-VALUE})")
    int postgresLeaseSeconds;

    @Option(names = "--nu-path", defaultValue = "nu", description = "the Nushell binary (default: ${DEFAULT-VALUE})")
    String nuPath;

    @Option(names = "--provisioning-path", description = "entry script of the provisioning library (default: the shipped provisioning/main.nu)")
    Path provisioningPath;

    @Option(names = "--workspace", description = "folder of infras and settings, the scripts' working directory (default: the shipped workspace/)")
    Path workspace;

    @Option(names = "--workers", defaultValue = "4", description = "tasks that may run at once (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--max-attempts", defaultValue = "3", description = "default attempts per task (default: ${DEFAULT-VALUE})")
    int maxAttempts;

    @Option(names = "--task-timeout", defaultValue = "3600", description = "default task timeout in seconds (default: ${DEFAULT-VALUE})")
    int taskTimeoutSeconds;

    @Option(names = "--retry-base-delay-ms", defaultValue = "1000", description = "first retry delay; doubles each time (default: ${DEFAULT-VALUE})")
    long retryBaseDelayMs;

    @Option(names = "--retry-max-delay-ms", defaultValue = "300000", description = "longest retry delay (default: ${DEFAULT-VALUE})")
    long retryMaxDelayMs;

    @Option(names = "--shutdown-grace-seconds", defaultValue = "30", description = "how long running tasks may finish on stop (default: ${DEFAULT-VALUE})")
    int shutdownGraceSeconds;

    @Option(names = "--max-body-bytes", defaultValue = "262144", description = "largest request body (default: ${DEFAULT-VALUE})")
    long maxBodyBytes;

    @Option(names = "--limit-per-server", defaultValue = "1", description = "operations that may run at once on one server of one infra (default: ${DEFAULT-VALUE})")
    int limitPerServer;

    @Option(names = "--limit-workflow", split = ",", description = "at most N running tasks of a workflow type, e.g. servers.create=2 (repeatable)")
    Map<String, Integer> limitWorkflow = new java.util.HashMap<>();

    @Option(names = "--limit-infra", split = ",", description = "at most N running tasks on one infra, e.g. production=3 (repeatable)")
    Map<String, Integer> limitInfra = new java.util.HashMap<>();

    @Option(names = "--log-max-bytes-per-task", defaultValue = "10485760", description = "log lines kept per task; more are dropped with a marker (default: ${DEFAULT-VALUE})")
    long logMaxBytes;

    @Option(names = "--log-retention-hours", defaultValue = "168", description = "logs of finished tasks are deleted after this long (default: ${DEFAULT-VALUE})")
    long logRetentionHours;

    @Mixin
    SecurityFlags security;

    @Mixin
    HardeningFlags hardening;

    @Option(names = "--docker-host", description = "Docker daemon of the test environments (default: $DOCKER_HOST, else unix:///var/run/docker.sock)")
    String dockerHost;

    @Option(names = "--testenv-catalog", description = "taskserv catalog of the test environments (default: the shipped docker/taskservs/catalog.yaml)")
    Path testenvCatalog;

    @Option(names = "--testenv-topologies", description = "topology templates of the test environments (default: the shipped docker/topologies.yaml)")
    Path testenvTopologies;

    @Option(names = "--testenv-parallel-creations", defaultValue = "4", description = "test environments created at once; more wait (default: ${DEFAULT-VALUE})")
    int testenvParallelCreations;

    /** The data formats this server reads and writes, and the upgrades it carries ({@link DataFormats#current()}). */
    private final DataFormats formats;

    public OrchestratorMain() {
        this(DataFormats.current());
    }

    OrchestratorMain(DataFormats formats) {
        this.formats = formats;
    }

    public static void main(String[] args) {
        System.exit(run(args, DataFormats.current()));
    }

    /** Parses {@code args} and runs the server with {@code formats} until it is stopped; returns the exit code. */
    public static int run(String[] args, DataFormats formats) {
        CommandLine cli = new CommandLine(new OrchestratorMain(formats)).setOverwrittenOptionsAllowed(true);
        try {
            cli.setDefaultValueProvider(EnvironmentDefaults.forServer(cli.getCommandSpec(), args, System.getenv()));
        } catch (OrchestratorException e) {
            System.err.println("orchestrator: " + e.getMessage());
            return 2;
        }
        cli.setParameterExceptionHandler((e, given) -> {
            cli.getErr().println("orchestrator: " + e.getMessage() + " (see --help)");
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("orchestrator.home", System.getenv().getOrDefault("ORCHESTRATOR_HOME", ".")));
        boolean homeGiven = System.getProperty("orchestrator.home") != null || System.getenv("ORCHESTRATOR_HOME") != null;
        Path data = dataDir.toAbsolutePath().normalize();
        SecurityOptions securityOptions;
        HardeningOptions hardeningOptions;
        try {
            securityOptions = security.resolve(data);
            hardeningOptions = hardening.resolve();
        } catch (OrchestratorException | IllegalArgumentException e) {
            System.err.println("orchestrator: " + e.getMessage());
            return 2;
        }
        String type = storageType != null ? storageType : "filesystem";
        Map<String, String> backendOptions = storageOptions();
        try {
            // before anything reads the data dir: upgrade an older one, refuse a newer one unchanged
            formats.open(data);
            var recorded = StorageChoice.recorded(data);
            if (recorded.isPresent() && storageType == null) {
                // an online migration switched to this backend: come back on it
                type = recorded.get().type();
                backendOptions = new java.util.HashMap<>(backendOptions);
                backendOptions.putAll(recorded.get().options());
                backendOptions.put(OrchestratorApp.STORAGE_DATA_DIR, recorded.get().dataDir().toString());
                backendOptions = Map.copyOf(backendOptions);
                System.err.println("orchestrator: using " + recorded.get().describe() + " as recorded in "
                        + data.resolve(StorageChoice.FILE) + " by an online migration (--storage-type overrides it)");
            } else if (recorded.isPresent() && !recorded.get().type().equals(storageType)) {
                System.err.println("orchestrator: --storage-type " + storageType + " given; ignoring "
                        + recorded.get().describe() + " recorded in " + data.resolve(StorageChoice.FILE));
            }
        } catch (OrchestratorException e) {
            System.err.println("orchestrator: " + e.getMessage());
            return 2;
        }
        ServerOptions options = new ServerOptions(host, port, data, type, backendOptions,
                nuPath,
                (provisioningPath != null ? provisioningPath : home.resolve("provisioning/main.nu")).toAbsolutePath().normalize(),
                (workspace != null ? workspace : home.resolve("workspace")).toAbsolutePath().normalize(),
                workers, maxAttempts, taskTimeoutSeconds, Duration.ofMillis(retryBaseDelayMs),
                Duration.ofMillis(retryMaxDelayMs), Duration.ofSeconds(shutdownGraceSeconds), maxBodyBytes,
                new ConcurrencyLimits(limitPerServer, Map.copyOf(limitWorkflow), Map.copyOf(limitInfra)),
                logMaxBytes, Duration.ofHours(logRetentionHours), securityOptions,
                new TestEnvOptions(DockerHost.resolve(dockerHost, System.getenv()),
                        (testenvCatalog != null ? testenvCatalog : ShippedFiles.find(home, homeGiven, "docker/taskservs/catalog.yaml")).toAbsolutePath().normalize(),
                        testenvCatalog != null,
                        (testenvTopologies != null ? testenvTopologies : ShippedFiles.find(home, homeGiven, "docker/topologies.yaml")).toAbsolutePath().normalize(),
                        testenvTopologies != null, testenvParallelCreations, hardeningOptions.allowPrivilegedTestEnv()),
                hardeningOptions);
        String problem = check(options);
        if (problem != null) {
            System.err.println("orchestrator: " + problem);
            return 2;
        }
        OrchestratorApp app;
        try {
            app = OrchestratorApp.start(options, null, formats);
        } catch (OrchestratorException | IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("orchestrator: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    /** What the storage backend gets as options; each backend reads the keys it knows. */
    private Map<String, String> storageOptions() {
        Map<String, String> options = new java.util.HashMap<>();
        if (surrealUrl != null) {
            options.put("surrealdb-url", surrealUrl);
        }
        options.put("surrealdb-username", surrealUser);
        options.put("surrealdb-password", surrealPassword);
        options.put("surrealdb-namespace", surrealNamespace);
        options.put("surrealdb-database", surrealDatabase);
        options.put("surrealdb-lease-seconds", Integer.toString(surrealLeaseSeconds));
        if (postgresUrl != null) {
            options.put("postgresql-url", postgresUrl);
        }
        options.put("postgresql-user", postgresUser);
        if (postgresPasswordFile != null) {
            options.put("postgresql-password-file", postgresPasswordFile);
        } else if (System.getenv("POSTGRESQL_PASSWORD") != null) {
            options.put("postgresql-password", System.getenv("POSTGRESQL_PASSWORD"));
        }
        options.put("postgresql-pool-size", Integer.toString(postgresPoolSize));
        options.put("postgresql-lease-seconds", Integer.toString(postgresLeaseSeconds));
        return Map.copyOf(options);
    }

    private static String check(ServerOptions o) {
        if (o.workers() < 1 || o.workers() > 256) {
            return "--workers must be from 1 to 256";
        }
        if (o.port() < 0 || o.port() > 65535) {
            return "--port must be from 0 to 65535";
        }
        if (!Files.isRegularFile(o.provisioningPath())) {
            return "--provisioning-path " + o.provisioningPath() + " is not a file";
        }
        if (!Files.isDirectory(o.workspace())) {
            return "--workspace " + o.workspace() + " is not a folder";
        }
        if (o.limits().perServer() < 1 || o.limits().perWorkflow().values().stream().anyMatch(n -> n < 1)
                || o.limits().perInfra().values().stream().anyMatch(n -> n < 1)) {
            return "concurrency limits must be at least 1";
        }
        if (o.testEnv() != null && (o.testEnv().parallelCreations() < 1 || o.testEnv().parallelCreations() > 64)) {
            return "--testenv-parallel-creations must be from 1 to 64";
        }
        if (o.defaultMaxAttempts() < 1 || o.defaultMaxAttempts() > 20) {
            return "--max-attempts must be from 1 to 20";
        }
        SecurityOptions s = o.security();
        for (Path key : new Path[] {s.auth().hs256SecretFile(), s.auth().publicKey(), s.auth().jwks(), s.tls().passwordFile()}) {
            if (key != null && !Files.isReadable(key)) {
                return key + " is not a readable file";
            }
        }
        if (s.tls().passwordFile() != null && !s.tls().enabled()) {
            return "--tls-keystore-password-file needs --tls-keystore";
        }
        return null;
    }
}
