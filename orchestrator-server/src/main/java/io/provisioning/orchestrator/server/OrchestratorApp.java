package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.api.ApiServer;
import io.provisioning.orchestrator.api.EdgeServices;
import io.provisioning.orchestrator.audit.AuditLog;
import io.provisioning.orchestrator.audit.TaskAuditor;
import io.provisioning.orchestrator.durability.DurabilityReport;
import io.provisioning.orchestrator.auth.JwtTokenVerifier;
import io.provisioning.orchestrator.auth.RouteRoles;
import io.provisioning.orchestrator.auth.TokenVerifier;
import io.provisioning.orchestrator.auth.VerificationKeys;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.engine.OrchestratorConfig;
import io.provisioning.orchestrator.events.StatusChanges;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.execution.NushellExecutor;
import io.provisioning.orchestrator.format.DataFormats;
import io.provisioning.orchestrator.format.FormatManifest;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.metrics.OrchestratorMetrics;
import io.provisioning.orchestrator.metrics.TaskMetrics;
import io.provisioning.orchestrator.metrics.TimedTaskStorage;
import io.provisioning.orchestrator.ratelimit.RateLimiter;
import io.provisioning.orchestrator.retry.RetryPolicy;
import io.provisioning.orchestrator.audit.AuditRecord;
import io.provisioning.orchestrator.migration.StorageChoice;
import io.provisioning.orchestrator.migration.StorageMigrations;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.OnlineMigration;
import io.provisioning.orchestrator.storage.migration.SwitchableTaskStorage;
import io.provisioning.orchestrator.submission.Submissions;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import io.provisioning.orchestrator.workflow.WorkflowPlanner;
import io.provisioning.orchestrator.workflow.WorkflowRequestParser;
import io.provisioning.orchestrator.workflow.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires storage, the Nushell executor, the engine, security and the HTTP API together, and takes them down in order. */
public final class OrchestratorApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorApp.class);
    private final TaskStorage storage;
    private final Orchestrator orchestrator;
    private final ApiServer api;
    private final TaskEventStore eventStore;
    private final LogRetention retention;
    private final AuditLog audit;
    private final OrchestratorMetrics metrics;
    private final TestEnvironmentWiring testEnvironments;
    private final StorageMigrations migrations;

    private OrchestratorApp(TaskStorage storage, Orchestrator orchestrator, ApiServer api, TaskEventStore eventStore,
            LogRetention retention, AuditLog audit, OrchestratorMetrics metrics, TestEnvironmentWiring testEnvironments,
            StorageMigrations migrations) {
        this.migrations = migrations;
        this.storage = storage;
        this.orchestrator = orchestrator;
        this.api = api;
        this.eventStore = eventStore;
        this.retention = retention;
        this.audit = audit;
        this.metrics = metrics;
        this.testEnvironments = testEnvironments;
    }

    public static OrchestratorApp start(ServerOptions options) {
        return start(options, null);
    }

    /** Starts everything; {@code executorOverride} replaces Nushell (benchmarks only). */
    public static OrchestratorApp start(ServerOptions options, TaskExecutor executorOverride) {
        return start(options, executorOverride, DataFormats.current());
    }

    /**
     * Starts everything on a data dir in {@code formats} (upgraded first if it is older; a newer one is
     * refused with {@link io.provisioning.orchestrator.format.UnsupportedFormatException}, unchanged).
     */
    public static OrchestratorApp start(ServerOptions options, TaskExecutor executorOverride, DataFormats formats) {
        Clock clock = Clock.systemUTC();
        SecurityOptions security = options.security();
        security.tls().check();
        TokenVerifier verifier = security.auth().enabled()
                ? new JwtTokenVerifier(VerificationKeys.load(security.auth()), security.auth(), clock) : null;
        try {
            Files.createDirectories(options.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data dir " + options.dataDir(), e);
        }
        FormatManifest dataFormats = formats.open(options.dataDir());
        Workspace workspace = new Workspace(options.workspace());
        OrchestratorMetrics metrics = new OrchestratorMetrics();
        DurabilityReport durability = new DurabilityReport(clock);
        List<AutoCloseable> opened = new ArrayList<>(List.of(metrics));
        try {
            StorageChoice choice = storageChoice(options);
            // the engine talks to a switchable store, so an online migration can move it to another backend
            SwitchableTaskStorage live = new SwitchableTaskStorage(choice.open());
            TaskStorage storage = new TimedTaskStorage(live, metrics.registry());
            opened.add(0, storage);
            AuditLog audit = security.audit().enabled() ? AuditLog.open(security.audit(), clock, durability) : null;
            if (audit != null) {
                opened.add(0, audit);
            }
            StorageMigrations migrations = new StorageMigrations(live, choice, options.dataDir(),
                    options.hardening().migrationRootOr(options.dataDir()), clock,
                    status -> auditMigration(audit, status));
            opened.add(0, migrations);
            String scheme = security.tls().enabled() ? "https" : "http";
            AtomicInteger boundPort = new AtomicInteger(options.port());
            TaskExecutor executor = executorOverride != null ? executorOverride : new NushellExecutor(
                    new NushellExecutor.Settings(workspace.root(), options.dataDir().toAbsolutePath().resolve("state"),
                            () -> scheme + "://" + urlHost(options.host()) + ":" + boundPort.get(), Duration.ofSeconds(5),
                            options.hardening().scriptEnvironment()));
            TaskEventBus bus = new TaskEventBus();
            TaskEventStore eventStore = new TaskEventStore(options.dataDir().toAbsolutePath().resolve("logs"), clock,
                    options.maxLogBytesPerTask(), 20_000, durability);
            opened.add(0, eventStore);
            bus.subscribe(eventStore);
            OrchestratorConfig config = OrchestratorConfig.defaults()
                    .withWorkers(options.workers())
                    .withRetryPolicy(RetryPolicy.exponential(options.retryBaseDelay(), options.retryMaxDelay()))
                    .withShutdownGrace(options.shutdownGrace())
                    .withLimits(options.limits())
                    .withRetention(options.hardening().taskRetention());
            Orchestrator orchestrator = new Orchestrator(config, storage, executor, clock, bus, durability);
            opened.add(0, orchestrator);
            TestEnvironmentWiring testEnvironments = TestEnvironmentWiring.open(options.testEnv(),
                    options.dataDir().toAbsolutePath(), clock);
            opened.add(0, testEnvironments);
            TaskMetrics taskMetrics = new TaskMetrics(metrics.registry(), orchestrator::queuedCount);
            StatusChanges changes = new StatusChanges().listen(taskMetrics);
            if (audit != null) {
                changes.listen(new TaskAuditor(audit));
            }
            changes.rememberUnfinished(storage);
            taskMetrics.countExisting(storage.countsByStatusAndPriority());
            bus.subscribe(changes);
            orchestrator.recover();
            WorkflowPlanner planner = new WorkflowPlanner(options.nuPath(), options.provisioningPath().toString(),
                    options.defaultMaxAttempts(), options.defaultTimeoutSeconds());
            ClusterPlanner clusterPlanner = new ClusterPlanner(options.nuPath(), options.provisioningPath().toString(),
                    workspace.root(), options.hardening().clusterPlanning(), options.hardening().scriptEnvironment());
            RateLimiter limiter = security.rateLimit().enabled() ? new RateLimiter(security.rateLimit(), clock) : null;
            EdgeServices edge = new EdgeServices(verifier, RouteRoles.standard(security.auth().metricsPublic()), limiter,
                    audit, metrics, security.tls());
            Submissions submissions = new Submissions(orchestrator, planner, clusterPlanner, clock);
            ApiServer api = ApiServer.builder(orchestrator, submissions, new WorkflowRequestParser(workspace), eventStore)
                    .maxBodyBytes(options.maxBodyBytes())
                    .edge(edge)
                    .testEnvironments(testEnvironments.service(), testEnvironments.disabledReason())
                    .storageMigrations(migrations)
                    .dataFormats(dataFormats.formats())
                    .build()
                    .start(options.host(), options.port());
            opened.add(0, api);
            boundPort.set(api.port());
            orchestrator.start();
            LogRetention retention = new LogRetention(eventStore, storage, clock, options.logRetention());
            retention.start();
            LOG.info("orchestrator listening on {}://{}:{} (storage {}, data dir {}, {} workers)", scheme,
                    urlHost(options.host()), api.port(), choice.describe(), options.dataDir(), options.workers());
            LOG.info("authentication {}; rate limit {}; audit log {}; metrics at /metrics{}",
                    verifier == null ? "off" : "on (issuer " + security.auth().issuer() + ")",
                    limiter == null ? "off" : security.rateLimit().perMinute() + "/min per client, burst "
                            + security.rateLimit().burst(),
                    audit == null ? "off" : "in " + audit.dir(),
                    verifier == null || security.auth().metricsPublic() ? "" : " (viewer token needed)");
            if (verifier == null && !isLoopback(options.host())) {
                LOG.warn(NO_AUTH_WARNING, options.host());
            }
            return new OrchestratorApp(storage, orchestrator, api, eventStore, retention, audit, metrics,
                    testEnvironments, migrations);
        } catch (RuntimeException e) {
            for (AutoCloseable resource : opened) {
                try {
                    resource.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * The backend named by the options; {@code storageOptions} key {@code data-dir} may put its data
     * elsewhere than the server's data dir (as a migration's target can be).
     */
    static StorageChoice storageChoice(ServerOptions options) {
        String dir = options.storageOptions().get(STORAGE_DATA_DIR);
        return new StorageChoice(options.storageType(), dir != null ? Path.of(dir) : options.dataDir(),
                options.storageOptions());
    }

    /** The storage option that puts a backend's data in its own folder (from storage.json). */
    public static final String STORAGE_DATA_DIR = "data-dir";

    private static void auditMigration(AuditLog audit, OnlineMigration.Status status) {
        if (audit == null) {
            return;
        }
        try {
            audit.append(new AuditRecord("orchestrator", null, "storage migration", status.from() + " -> " + status.to(),
                    null, status.state().name().toLowerCase(java.util.Locale.ROOT),
                    status.error() != null ? status.error() : status.copied() + " tasks, content digest " + status.targetDigest()));
        } catch (RuntimeException e) {
            LOG.error("cannot audit the end of the storage migration: {}", e.getMessage());
        }
    }

    /** The backend in use now (it changes when an online migration switches). */
    public StorageChoice storage() {
        return migrations.current();
    }

    /** Printed when the server listens beyond this machine with authentication off. */
    static final String NO_AUTH_WARNING = "WARNING: listening on {}, reachable from other machines, with authentication "
            + "OFF: anyone who can connect may submit work and run scripts as this user. Turn authentication on with "
            + "--auth-hs256-secret-file FILE (or --auth-public-key / --auth-jwks; see docs/CLI.md 'provisioning auth token'), "
            + "or listen on --host 127.0.0.1";

    static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String urlHost(String host) {
        return host.equals("0.0.0.0") ? "127.0.0.1" : host;
    }

    /** The HTTP endpoints the server registered (see {@link ApiServer#endpoints()}). */
    public java.util.List<String> endpoints() {
        return api.endpoints();
    }

    public int port() {
        return api.port();
    }

    public Orchestrator orchestrator() {
        return orchestrator;
    }

    /** Stops taking requests, lets workers finish within the grace period, then closes logs, audit, storage, metrics. */
    @Override
    public void close() {
        LOG.info("shutting down");
        api.close();
        retention.close();
        testEnvironments.close();
        orchestrator.close();
        eventStore.close();
        if (audit != null) {
            audit.close();
        }
        storage.close();
        migrations.close();
        metrics.close();
    }
}
