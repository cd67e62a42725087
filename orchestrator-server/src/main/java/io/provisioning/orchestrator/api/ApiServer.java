package io.provisioning.orchestrator.api;

import io.javalin.Javalin;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.migration.StorageMigrations;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.testenv.TestEnvironmentService;
import io.provisioning.orchestrator.tls.HttpsConnector;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import io.provisioning.orchestrator.workflow.WorkflowPlanner;
import io.provisioning.orchestrator.workflow.WorkflowRequestParser;

/** The HTTP edge: routes, limits, access control, audit, metrics and error mapping, on Javalin. */
public final class ApiServer implements AutoCloseable {
    public static final String HEALTHY = "Orchestrator is healthy";
    private final Javalin app;
    private final EdgeServices edge;
    private final EventStreams eventStreams;
    private volatile String bindHost;
    private volatile int bindPort;

    public ApiServer(Orchestrator orchestrator, WorkflowRequestParser parser, WorkflowPlanner planner,
            ClusterPlanner clusterPlanner, TaskEventStore eventStore, long maxBodyBytes) {
        this(orchestrator, parser, planner, clusterPlanner, eventStore, maxBodyBytes, EdgeServices.none());
    }

    public ApiServer(Orchestrator orchestrator, WorkflowRequestParser parser, WorkflowPlanner planner,
            ClusterPlanner clusterPlanner, TaskEventStore eventStore, long maxBodyBytes, EdgeServices edge) {
        this(orchestrator, parser, planner, clusterPlanner, eventStore, maxBodyBytes, edge, null, "not configured");
    }

    public ApiServer(Orchestrator orchestrator, WorkflowRequestParser parser, WorkflowPlanner planner,
            ClusterPlanner clusterPlanner, TaskEventStore eventStore, long maxBodyBytes, EdgeServices edge,
            TestEnvironmentService testEnvironments, String testEnvDisabledReason) {
        this(orchestrator, parser, planner, clusterPlanner, eventStore, maxBodyBytes, edge, testEnvironments,
                testEnvDisabledReason, null);
    }

    /**
     * {@code testEnvironments} null: the /test routes answer 503 with {@code testEnvDisabledReason};
     * {@code storage} null: no /storage routes.
     */
    public ApiServer(Orchestrator orchestrator, WorkflowRequestParser parser, WorkflowPlanner planner,
            ClusterPlanner clusterPlanner, TaskEventStore eventStore, long maxBodyBytes, EdgeServices edge,
            TestEnvironmentService testEnvironments, String testEnvDisabledReason, StorageMigrations storage) {
        this.edge = edge;
        this.eventStreams = new EventStreams(orchestrator, eventStore);
        RequestBodies bodies = new RequestBodies(maxBodyBytes);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = maxBodyBytes;
            config.http.defaultContentType = "application/json";
            config.concurrency.useVirtualThreads = true;
            if (edge.tls().enabled()) {
                config.jetty.addConnector((server, http) -> HttpsConnector.create(server, http, edge.tls(), bindHost, bindPort));
            }
            ErrorMapping.install(config);
            new AccessControl(edge).install(config);
            config.routes.get("/health", ctx -> {
                try {
                    orchestrator.storage().checkHealth();
                } catch (StorageUnavailableException e) {
                    Responses.error(ctx, 503, "storage is unavailable: " + e.getMessage());
                    return;
                }
                Responses.ok(ctx, HEALTHY);
            });
            new VersionRoutes(orchestrator).install(config);
            new TaskRoutes(orchestrator).install(config);
            new WorkflowRoutes(orchestrator, parser, planner, clusterPlanner, bodies).install(config);
            eventStreams.install(config);
            if (testEnvironments != null) {
                new TestEnvironmentRoutes(testEnvironments, bodies).install(config);
            } else {
                for (String path : new String[] {"/test/environments", "/test/environments/*", "/test/topologies",
                        "/test/topologies/*"}) {
                    config.routes.before(path, ctx -> {
                        throw new TestEnvironmentsDisabledException(testEnvDisabledReason);
                    });
                }
            }
            if (storage != null) {
                new StorageRoutes(storage, bodies).install(config);
            }
            if (edge.audit() != null) {
                new AuditRoutes(edge.audit()).install(config);
                new RequestAudit(edge.audit(), edge.metrics()).install(config);
            }
            if (edge.metrics() != null) {
                new MetricsRoutes(edge.metrics()).install(config);
            }
        });
    }

    public ApiServer start(String host, int port) {
        bindHost = host;
        bindPort = port;
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    /** {@code https} when a keystore was given, else {@code http}. */
    public String scheme() {
        return edge.tls().enabled() ? "https" : "http";
    }

    @Override
    public void close() {
        eventStreams.close(); // while the server still runs, so each stream's request ends normally
        app.stop();
    }
}
