package io.provisioning.orchestrator.api;

import io.javalin.Javalin;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.testenv.TestEnvironmentService;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import io.provisioning.orchestrator.workflow.WorkflowPlanner;
import io.provisioning.orchestrator.workflow.WorkflowRequestParser;

/** The HTTP edge: routes, limits and error mapping, on Javalin. */
public final class ApiServer implements AutoCloseable {
    public static final String HEALTHY = "Orchestrator is healthy";
    private final Javalin app;

    public ApiServer(Orchestrator orchestrator, WorkflowRequestParser parser, WorkflowPlanner planner,
            ClusterPlanner clusterPlanner, TaskEventStore eventStore, long maxBodyBytes) {
        this(orchestrator, parser, planner, clusterPlanner, eventStore, maxBodyBytes, null, "not configured");
    }

    /** {@code testEnvironments} null: the /test routes answer 503 with {@code testEnvDisabledReason}. */
    public ApiServer(Orchestrator orchestrator, WorkflowRequestParser parser, WorkflowPlanner planner,
            ClusterPlanner clusterPlanner, TaskEventStore eventStore, long maxBodyBytes,
            TestEnvironmentService testEnvironments, String testEnvDisabledReason) {
        RequestBodies bodies = new RequestBodies(maxBodyBytes);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = maxBodyBytes;
            config.http.defaultContentType = "application/json";
            config.concurrency.useVirtualThreads = true;
            ErrorMapping.install(config);
            config.routes.get("/health", ctx -> {
                try {
                    orchestrator.storage().checkHealth();
                } catch (StorageUnavailableException e) {
                    Responses.error(ctx, 503, "storage is unavailable: " + e.getMessage());
                    return;
                }
                Responses.ok(ctx, HEALTHY);
            });
            new TaskRoutes(orchestrator).install(config);
            new WorkflowRoutes(orchestrator, parser, planner, clusterPlanner, bodies).install(config);
            new EventStreams(orchestrator, eventStore).install(config);
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
        });
    }

    public ApiServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
