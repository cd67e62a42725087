package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.api.ApiServer;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.engine.OrchestratorConfig;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.NushellExecutor;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.retry.RetryPolicy;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import io.provisioning.orchestrator.workflow.WorkflowPlanner;
import io.provisioning.orchestrator.workflow.WorkflowRequestParser;
import io.provisioning.orchestrator.workflow.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires storage, the Nushell executor, the engine and the HTTP API together, and takes them down in order. */
public final class OrchestratorApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorApp.class);
    private final TaskStorage storage;
    private final Orchestrator orchestrator;
    private final ApiServer api;

    private final TaskEventStore eventStore;
    private final LogRetention retention;
    private final TestEnvironmentWiring testEnvironments;

    private OrchestratorApp(TaskStorage storage, Orchestrator orchestrator, ApiServer api, TaskEventStore eventStore,
            LogRetention retention, TestEnvironmentWiring testEnvironments) {
        this.storage = storage;
        this.orchestrator = orchestrator;
        this.api = api;
        this.eventStore = eventStore;
        this.retention = retention;
        this.testEnvironments = testEnvironments;
    }

    public static OrchestratorApp start(ServerOptions options) {
        return start(options, null);
    }

    /** Starts everything; {@code executorOverride} replaces Nushell (benchmarks only). */
    public static OrchestratorApp start(ServerOptions options, TaskExecutor executorOverride) {
        Clock clock = Clock.systemUTC();
        try {
            Files.createDirectories(options.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data dir " + options.dataDir(), e);
        }
        Workspace workspace = new Workspace(options.workspace());
        TaskStorage storage = StorageTypes.open(options.storageType(), options.dataDir(), options.storageOptions());
        AtomicInteger boundPort = new AtomicInteger(options.port());
        TaskExecutor executor = executorOverride != null ? executorOverride : new NushellExecutor(
                new NushellExecutor.Settings(workspace.root(), options.dataDir().toAbsolutePath().resolve("state"),
                        () -> "http://" + urlHost(options.host()) + ":" + boundPort.get(), Duration.ofSeconds(5)));
        TaskEventBus bus = new TaskEventBus();
        TaskEventStore eventStore = new TaskEventStore(options.dataDir().toAbsolutePath().resolve("logs"), clock,
                options.maxLogBytesPerTask(), 100_000);
        bus.subscribe(eventStore);
        OrchestratorConfig config = OrchestratorConfig.defaults()
                .withWorkers(options.workers())
                .withRetryPolicy(RetryPolicy.exponential(options.retryBaseDelay(), options.retryMaxDelay()))
                .withShutdownGrace(options.shutdownGrace())
                .withLimits(options.limits());
        Orchestrator orchestrator = new Orchestrator(config, storage, executor, clock, bus);
        TestEnvironmentWiring testEnvironments = null;
        try {
            testEnvironments = TestEnvironmentWiring.open(options.testEnv(), options.dataDir().toAbsolutePath(), clock);
            orchestrator.recover();
            WorkflowPlanner planner = new WorkflowPlanner(options.nuPath(), options.provisioningPath().toString(),
                    options.defaultMaxAttempts(), options.defaultTimeoutSeconds());
            ClusterPlanner clusterPlanner = new ClusterPlanner(options.nuPath(), options.provisioningPath().toString(),
                    workspace.root());
            ApiServer api = new ApiServer(orchestrator, new WorkflowRequestParser(workspace), planner, clusterPlanner,
                    eventStore, options.maxBodyBytes(), testEnvironments.service(), testEnvironments.disabledReason())
                    .start(options.host(), options.port());
            boundPort.set(api.port());
            orchestrator.start();
            LogRetention retention = new LogRetention(eventStore, storage, clock, options.logRetention());
            retention.start();
            LOG.info("orchestrator listening on http://{}:{} (storage {}, data dir {}, {} workers)",
                    urlHost(options.host()), api.port(), storage.type(), options.dataDir(), options.workers());
            return new OrchestratorApp(storage, orchestrator, api, eventStore, retention, testEnvironments);
        } catch (RuntimeException e) {
            if (testEnvironments != null) {
                testEnvironments.close();
            }
            orchestrator.close();
            storage.close();
            throw e;
        }
    }

    private static String urlHost(String host) {
        return host.equals("0.0.0.0") ? "127.0.0.1" : host;
    }

    public int port() {
        return api.port();
    }

    public Orchestrator orchestrator() {
        return orchestrator;
    }

    /** Stops taking requests, lets workers finish within the grace period, then closes storage. */
    @Override
    public void close() {
        LOG.info("shutting down");
        api.close();
        retention.close();
        testEnvironments.close();
        orchestrator.close();
        eventStore.close();
        storage.close();
    }
}
