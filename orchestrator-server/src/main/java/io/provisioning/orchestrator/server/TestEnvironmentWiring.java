package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.testenv.LogArchive;
import io.provisioning.orchestrator.testenv.OwnerId;
import io.provisioning.orchestrator.testenv.TestEnvironmentService;
import io.provisioning.orchestrator.testenv.catalog.CatalogFiles;
import io.provisioning.orchestrator.testenv.catalog.TaskservCatalog;
import io.provisioning.orchestrator.testenv.catalog.TopologyTemplates;
import io.provisioning.orchestrator.testenv.docker.DockerContainerRuntime;
import io.provisioning.orchestrator.testenv.store.FileEnvironmentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Test Environment Service from its options, or says why there is none. */
final class TestEnvironmentWiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TestEnvironmentWiring.class);
    private final TestEnvironmentService service;
    private final String disabledReason;

    private TestEnvironmentWiring(TestEnvironmentService service, String disabledReason) {
        this.service = service;
        this.disabledReason = disabledReason;
    }

    static TestEnvironmentWiring open(TestEnvOptions options, Path dataDir, Clock clock) {
        if (options == null) {
            return new TestEnvironmentWiring(null, "not configured");
        }
        // A file given on the command line must load (a broken one stops the server); a shipped
        // default that is absent (a jar run elsewhere) only switches the service off.
        if (!options.catalogGiven() && !Files.isRegularFile(options.catalog())) {
            String reason = "no taskserv catalog at " + options.catalog() + " (give --testenv-catalog)";
            LOG.warn("test environments disabled: {}", reason);
            return new TestEnvironmentWiring(null, reason);
        }
        TaskservCatalog catalog = CatalogFiles.readCatalog(options.catalog());
        TopologyTemplates templates;
        if (options.topologiesGiven() || Files.isRegularFile(options.topologies())) {
            templates = CatalogFiles.readTemplates(options.topologies(), catalog);
        } else {
            LOG.warn("no topology templates at {} (give --testenv-topologies); cluster_topology needs an inline topology",
                    options.topologies());
            templates = new TopologyTemplates(1, java.util.Map.of());
        }
        Path dir = dataDir.resolve("testenv");
        var store = new FileEnvironmentStore(dir);
        var runtime = new DockerContainerRuntime(options.dockerHost());
        var service = new TestEnvironmentService(runtime, catalog, templates, store, new LogArchive(dir.resolve("logs")),
                OwnerId.load(dir), dir, clock, options.parallelCreations(), options.allowPrivileged());
        service.recover();
        LOG.info("test environments on Docker at {} ({} taskservs, {} templates; privileged environments {})",
                options.dockerHost(), catalog.taskservs().size(), templates.templates().size(),
                options.allowPrivileged() ? "allowed to admins" : "refused (--allow-privileged-testenv allows them to admins)");
        return new TestEnvironmentWiring(service, null);
    }

    TestEnvironmentService service() {
        return service;
    }

    String disabledReason() {
        return disabledReason;
    }

    @Override
    public void close() {
        if (service != null) {
            service.close();
        }
    }
}
