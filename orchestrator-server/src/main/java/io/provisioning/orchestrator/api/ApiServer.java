package io.provisioning.orchestrator.api;

import io.javalin.Javalin;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.events.TaskEventStore;
import io.provisioning.orchestrator.migration.StorageMigrations;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.submission.Submissions;
import io.provisioning.orchestrator.testenv.TestEnvironmentService;
import io.provisioning.orchestrator.tls.HttpsConnector;
import io.provisioning.orchestrator.workflow.WorkflowRequestParser;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** The HTTP edge: routes, limits, access control, audit, metrics and error mapping, on Javalin. */
public final class ApiServer implements AutoCloseable {
    public static final String HEALTHY = "Orchestrator is healthy";
    private final Javalin app;
    private final EdgeServices edge;
    private final EventStreams eventStreams;
    private static final Set<String> ENDPOINT_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** Every endpoint as registered ({@code GET /tasks/{id}}); what the OpenAPI document is checked against. */
    private final List<String> endpoints = new CopyOnWriteArrayList<>();
    private volatile String bindHost;
    private volatile int bindPort;

    /**
     * The one way to make the HTTP edge: what every server needs here, the rest on the builder
     * (defaults: 1 MiB bodies, no edge services, test environments off, no /storage routes).
     */
    public static Builder builder(Orchestrator orchestrator, Submissions submissions, WorkflowRequestParser parser,
            TaskEventStore eventStore) {
        return new Builder(orchestrator, submissions, parser, eventStore);
    }

    private ApiServer(Builder b) {
        Orchestrator orchestrator = b.orchestrator;
        EdgeServices edge = b.edge;
        TestEnvironmentService testEnvironments = b.testEnvironments;
        String testEnvDisabledReason = b.testEnvDisabledReason;
        StorageMigrations storage = b.storageMigrations;
        long maxBodyBytes = b.maxBodyBytes;
        this.edge = edge;
        this.eventStreams = new EventStreams(orchestrator, b.eventStore);
        RequestBodies bodies = new RequestBodies(maxBodyBytes);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = maxBodyBytes;
            config.http.defaultContentType = "application/json";
            config.concurrency.useVirtualThreads = true;
            config.events.handlerAdded(handler -> {
                String method = handler.getHttpMethod().name().toUpperCase(Locale.ROOT);
                if (ENDPOINT_METHODS.contains(method)) {
                    endpoints.add(method + " " + handler.getPath());
                }
            });
            if (edge.tls().enabled()) {
                config.jetty.addConnector((server, http) -> HttpsConnector.create(server, http, edge.tls(), bindHost, bindPort));
            }
            ErrorMapping.install(config);
            new AccessControl(edge).install(config);
            config.routes.get("/health", ctx -> {
                // every part that cannot be written is named, with why: storage (journal, task files), event logs, audit log
                java.util.List<String> problems = new java.util.ArrayList<>();
                try {
                    orchestrator.storage().checkHealth();
                } catch (StorageUnavailableException e) {
                    problems.add("storage is unavailable: " + e.getMessage());
                }
                orchestrator.durability().summary().ifPresent(problems::add);
                if (!problems.isEmpty()) {
                    Responses.error(ctx, 503, String.join("; ", problems));
                    return;
                }
                Responses.ok(ctx, HEALTHY);
            });
            ConsoleRoutes.install(config);
            new VersionRoutes(orchestrator, b.dataFormats).install(config);
            new OpenApiRoutes(OpenApiDocument.load()).install(config);
            new TaskRoutes(orchestrator).install(config);
            new WorkflowRoutes(b.submissions, b.parser, bodies).install(config);
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

    /** The endpoints this server registered, as {@code METHOD /path/{param}} (SSE endpoints are GET). */
    public List<String> endpoints() {
        return List.copyOf(endpoints);
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

    /** Options of the HTTP edge, each with its default. */
    public static final class Builder {
        private final Orchestrator orchestrator;
        private final Submissions submissions;
        private final WorkflowRequestParser parser;
        private final TaskEventStore eventStore;
        private long maxBodyBytes = 1 << 20;
        private EdgeServices edge = EdgeServices.none();
        private TestEnvironmentService testEnvironments;
        private String testEnvDisabledReason = "not configured";
        private StorageMigrations storageMigrations;
        private java.util.Map<String, Integer> dataFormats = java.util.Map.of();

        private Builder(Orchestrator orchestrator, Submissions submissions, WorkflowRequestParser parser,
                TaskEventStore eventStore) {
            this.orchestrator = orchestrator;
            this.submissions = submissions;
            this.parser = parser;
            this.eventStore = eventStore;
        }

        /** Larger request bodies answer 413. */
        public Builder maxBodyBytes(long bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /** Access control, rate limit, audit, metrics, TLS. */
        public Builder edge(EdgeServices edge) {
            this.edge = edge;
            return this;
        }

        /** The /test routes; with a null service they answer 503 with {@code disabledReason}. */
        public Builder testEnvironments(TestEnvironmentService service, String disabledReason) {
            this.testEnvironments = service;
            this.testEnvDisabledReason = disabledReason;
            return this;
        }

        /** The /storage routes (none without). */
        public Builder storageMigrations(StorageMigrations migrations) {
            this.storageMigrations = migrations;
            return this;
        }

        /** The formats of the data dir ({@code format.json}), for {@code GET /version}. */
        public Builder dataFormats(java.util.Map<String, Integer> formats) {
            this.dataFormats = java.util.Map.copyOf(formats);
            return this;
        }

        public ApiServer build() {
            return new ApiServer(this);
        }
    }
}
