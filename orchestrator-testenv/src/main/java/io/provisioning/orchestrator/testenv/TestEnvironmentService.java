package io.provisioning.orchestrator.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.ConflictException;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.testenv.LogArchive.ContainerLogs;
import io.provisioning.orchestrator.testenv.TestEnvironment.ContainerInfo;
import io.provisioning.orchestrator.testenv.TestEnvironment.NetworkInfo;
import io.provisioning.orchestrator.testenv.catalog.TaskservCatalog;
import io.provisioning.orchestrator.testenv.catalog.Topology;
import io.provisioning.orchestrator.testenv.catalog.TopologyTemplates;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.LogLine;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.LogQuery;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntimeException;
import io.provisioning.orchestrator.testenv.docker.NoSuchContainerException;
import io.provisioning.orchestrator.testenv.store.EnvironmentStore;
import io.provisioning.orchestrator.workflow.Printable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Test Environment Service (SPEC §6). Creation runs in the background (the id comes back at
 * once, status Creating, progress in {@code message}); a run is synchronous, like Testcontainers'
 * execInContainer or {@code molecule verify}: the call returns with the results. With auto_start
 * the checks run as soon as the environment is Ready; with auto_cleanup its containers, network
 * and volumes are removed after that run (the record, its results and the archived logs stay).
 */
public final class TestEnvironmentService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TestEnvironmentService.class);
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private static final int ARCHIVED_LINES = 5000;
    private final ContainerRuntime runtime;
    private final TaskservCatalog catalog;
    private final TopologyTemplates templates;
    private final EnvironmentStore store;
    private final LogArchive archive;
    private final Clock clock;
    private final EnvironmentRequestParser parser;
    private final EnvironmentPrivileges privileges;
    private final DaemonPruner pruner;
    private final EnvironmentPlanner planner;
    private final EnvironmentProvisioner provisioner;
    private final CheckRunner checks;
    private final EnvironmentCleaner cleaner;
    private final LeftoverSweeper sweeper;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore creationSlots;
    private final Map<String, Creation> creations = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Object subnetLock = new Object();

    private record Creation(Future<?> future, CountDownLatch done) {}

    public TestEnvironmentService(ContainerRuntime runtime, TaskservCatalog catalog, TopologyTemplates templates,
            EnvironmentStore store, LogArchive archive, String owner, Clock clock, int parallelCreations) {
        this(runtime, catalog, templates, store, archive, owner, clock, parallelCreations, false);
    }

    /** {@code allowPrivileged}: whether admins may ask for privileged environments (see {@link EnvironmentPrivileges}). */
    public TestEnvironmentService(ContainerRuntime runtime, TaskservCatalog catalog, TopologyTemplates templates,
            EnvironmentStore store, LogArchive archive, String owner, Clock clock, int parallelCreations,
            boolean allowPrivileged) {
        this(runtime, catalog, templates, store, archive, owner, null, clock, parallelCreations, allowPrivileged);
    }

    /**
     * {@code ownerHome}: the folder of the {@link OwnerId} file ({@code <data-dir>/testenv}), labelled on
     * everything made, so that {@link #prune} can tell that the owner of a leftover is gone.
     */
    public TestEnvironmentService(ContainerRuntime runtime, TaskservCatalog catalog, TopologyTemplates templates,
            EnvironmentStore store, LogArchive archive, String owner, java.nio.file.Path ownerHome, Clock clock,
            int parallelCreations, boolean allowPrivileged) {
        this.pruner = new DaemonPruner(runtime, store, owner);
        this.privileges = new EnvironmentPrivileges(allowPrivileged, catalog, templates);
        this.runtime = runtime;
        this.catalog = catalog;
        this.templates = templates;
        this.store = store;
        this.archive = archive;
        this.clock = clock;
        this.parser = new EnvironmentRequestParser(catalog, templates);
        this.planner = new EnvironmentPlanner(catalog);
        this.provisioner = new EnvironmentProvisioner(runtime, catalog, owner, ownerHome);
        this.checks = new CheckRunner(runtime, provisioner, clock);
        this.cleaner = new EnvironmentCleaner(runtime, owner);
        this.sweeper = new LeftoverSweeper(runtime, store, cleaner, owner, clock);
        this.creationSlots = new Semaphore(parallelCreations);
    }

    /**
     * At start: records left Creating or Running by a dead server become Failed (at once), then,
     * in the background, whatever those creations made and whatever is labelled with this
     * server's owner id but has no live record is removed.
     */
    public void recover() {
        List<String> interrupted = sweeper.markInterrupted();
        workers.submit(() -> sweeper.sweep(interrupted));
    }

    /**
     * Removes the managed containers, networks and volumes on the daemon whose owning data dir no
     * longer exists (or now belongs to another server), and this server's whose environment is
     * gone; returns what was removed and why.
     */
    public List<DaemonPruner.Pruned> prune() {
        runtime.ping();
        return pruner.prune();
    }

    public TaskservCatalog catalog() {
        return catalog;
    }

    /** As an unprivileged caller: privileged requests are refused (see {@link EnvironmentPrivileges}). */
    public TestEnvironment create(JsonNode body) {
        return create(body, false);
    }

    /** {@code callerIsAdmin}: whether the caller may ask for privileges the server allows. */
    public TestEnvironment create(JsonNode body, boolean callerIsAdmin) {
        EnvironmentRequest request = parser.parse(body);
        privileges.check(request, callerIsAdmin);
        String id = UUID.randomUUID().toString();
        if (request.unavailable() != null) {
            // never a fake success: the environment exists, Failed from the start, with the catalog's reason
            TestEnvironment refused = TestEnvironment.creating(id, request.type(), request.infra(), request.autoStart(),
                    request.autoCleanup(), request.template(), request.config(),
                    new NetworkInfo(Labels.dockerName(id, null), null, null), clock.instant())
                    .failed(request.unavailable(), clock.instant());
            store.save(refused);
            LOG.info("test environment {} failed at creation: {}", id, request.unavailable());
            return refused;
        }
        runtime.ping();
        TestEnvironment created;
        synchronized (subnetLock) {
            String subnet = null;
            if (request.topology() != null && request.topology().subnet() != null) {
                subnet = SubnetAllocator.choose(request.topology().subnet(), request.template() != null, takenSubnets());
            }
            created = TestEnvironment.creating(id, request.type(), request.infra(), request.autoStart(),
                    request.autoCleanup(), request.template(), request.config(),
                    new NetworkInfo(Labels.dockerName(id, null), null, subnet), clock.instant());
            store.save(created);
        }
        EnvironmentPlan plan = planner.plan(request, created.network().subnet());
        CountDownLatch done = new CountDownLatch(1);
        creations.put(id, new Creation(workers.submit(() -> createInBackground(created, plan, done)), done));
        LOG.info("test environment {} ({}) is being created", id, request.type().wire());
        return created;
    }

    private List<String> takenSubnets() {
        List<String> taken = new ArrayList<>();
        store.list().stream().filter(e -> !e.cleanedUp() && e.network() != null && e.network().subnet() != null)
                .forEach(e -> taken.add(e.network().subnet()));
        runtime.listNetworks(Map.of()).forEach(n -> taken.addAll(n.subnets()));
        return taken;
    }

    private void createInBackground(TestEnvironment environment, EnvironmentPlan plan, CountDownLatch done) {
        String id = environment.id();
        try {
            if (!creationSlots.tryAcquire()) {
                update(id, e -> e.withMessage("waiting for one of the other creations to finish", clock.instant()));
                creationSlots.acquire();
            }
            try {
                provisioner.provision(id, plan, progress(id));
            } finally {
                creationSlots.release();
            }
            update(id, e -> e.becoming(EnvironmentStatus.Ready, "ready", clock.instant()));
            LOG.info("test environment {} is ready", id);
            if (environment.autoStart()) {
                running.add(id);
                try {
                    runChecks(id, plan);
                } finally {
                    running.remove(id);
                }
            }
        } catch (InterruptedException e) {
            LOG.info("creation of test environment {} was cancelled", id);
        } catch (RuntimeException e) {
            String why = e instanceof ProvisioningException || e instanceof ContainerRuntimeException
                    ? e.getMessage() : "internal error: " + e;
            if (!(e instanceof ProvisioningException)) {
                LOG.warn("creating test environment {} failed", id, e);
            }
            update(id, env -> env.failed(why, clock.instant()));
            if (environment.autoCleanup()) {
                cleanUp(id);
            }
        } finally {
            done.countDown();
            creations.remove(id);
        }
    }

    private EnvironmentProvisioner.Progress progress(String id) {
        return new EnvironmentProvisioner.Progress() {
            @Override
            public void message(String text) {
                update(id, e -> e.withMessage(text, clock.instant()));
            }

            @Override
            public void network(NetworkInfo network) {
                update(id, e -> e.withNetwork(network, clock.instant()));
            }

            @Override
            public void container(ContainerInfo container) {
                update(id, e -> e.withContainer(container, clock.instant()));
            }
        };
    }

    public List<TestEnvironment> list() {
        return store.list();
    }

    public TestEnvironment get(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new EnvironmentNotFoundException(Printable.quote(String.valueOf(id)));
        }
        return store.find(id.toLowerCase()).orElseThrow(() -> new EnvironmentNotFoundException(id));
    }

    /** Runs the checks now and returns the environment with their results (Completed or Failed). */
    public TestEnvironment run(String id) {
        TestEnvironment environment = get(id);
        if (environment.cleanedUp()) {
            throw new ConflictException("test environment " + id + " was cleaned up; create a new one");
        }
        if (environment.status() == EnvironmentStatus.Creating) {
            throw new ConflictException("test environment " + id + " is still being created (" + environment.message()
                    + "); run it when it is Ready");
        }
        if (!environment.isProvisioned()) {
            throw new ConflictException("test environment " + id + " could not be created: " + environment.error());
        }
        if (!running.add(environment.id())) {
            throw new ConflictException("test environment " + id + " is running its checks already");
        }
        try {
            EnvironmentPlan plan = planner.plan(parser.reparse(environment), environment.network().subnet());
            return runChecks(environment.id(), plan);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConflictException("the run of test environment " + id + " was interrupted");
        } finally {
            running.remove(environment.id());
        }
    }

    private TestEnvironment runChecks(String id, EnvironmentPlan plan) throws InterruptedException {
        TestEnvironment started = update(id, e -> e.becoming(EnvironmentStatus.Running, "running checks",
                clock.instant())).orElseThrow(() -> new EnvironmentNotFoundException(id));
        List<CheckResult> results;
        try {
            results = checks.run(id, plan);
        } catch (RuntimeException e) {
            LOG.warn("the run of test environment {} failed", id, e);
            update(id, env -> env.failed("the run failed: " + e.getMessage(), clock.instant()));
            throw e;
        }
        Optional<TestEnvironment> finished = update(id, e -> e.finishedRun(results, clock.instant()));
        LOG.info("test environment {} ran {} checks: {}", id, results.size(),
                finished.map(TestEnvironment::status).orElse(null));
        if (started.autoCleanup()) {
            cleanUp(id);
        }
        return store.find(id).orElseGet(() -> finished.orElseThrow(() -> new EnvironmentNotFoundException(id)));
    }

    /** auto_cleanup: keeps the logs, removes containers, network and volumes, keeps the record. */
    private void cleanUp(String id) {
        TestEnvironment environment = store.find(id).orElse(null);
        if (environment == null) {
            return;
        }
        for (ContainerInfo container : environment.containers()) {
            try {
                archive.save(id, new ContainerLogs(container.name(), container.node(), true,
                        runtime.logs(container.name(), new LogQuery(ARCHIVED_LINES, null))));
            } catch (RuntimeException e) {
                LOG.warn("could not keep the logs of {}: {}", container.name(), e.getMessage());
            }
        }
        try {
            var removed = cleaner.remove(id);
            update(id, e -> e.cleanedUp(clock.instant()));
            LOG.info("test environment {} cleaned up: {}", id, removed);
        } catch (RuntimeException e) {
            LOG.warn("cleaning up test environment {} failed; the next start sweeps what is left", id, e);
            update(id, env -> env.withMessage("cleanup failed: " + e.getMessage(), clock.instant()));
        }
    }

    /** Removes the environment's containers, network and volumes, its archived logs and its record. */
    public void delete(String id) {
        TestEnvironment environment = get(id);
        Creation creation = creations.get(environment.id());
        if (creation != null) {
            creation.future().cancel(true);
            try {
                if (!creation.done().await(2, TimeUnit.MINUTES)) {
                    throw new ConflictException("test environment " + id + " is still stopping its creation; try again");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConflictException("interrupted while stopping the creation of " + id);
            }
        }
        var removed = creation != null ? cleaner.removeAfterCutShortCreation(environment.id())
                : cleaner.remove(environment.id());
        archive.delete(environment.id());
        synchronized (lock(environment.id())) {
            store.delete(environment.id());
        }
        locks.remove(environment.id());
        LOG.info("test environment {} deleted: {}", environment.id(), removed);
    }

    public List<ContainerLogs> logs(String id, String container, Integer tail, Long since) {
        TestEnvironment environment = get(id);
        List<ContainerInfo> wanted = environment.containers().stream()
                .filter(c -> container == null || c.node().equals(container) || c.name().equals(container)).toList();
        if (container != null && wanted.isEmpty()) {
            throw new InvalidRequestException("test environment " + id + " has no container " + Printable.quote(container)
                    + "; it has " + environment.containers().stream().map(ContainerInfo::node).toList());
        }
        if (environment.cleanedUp()) {
            return archive.read(environment.id()).stream()
                    .filter(l -> container == null || l.node().equals(container) || l.container().equals(container))
                    .map(l -> new ContainerLogs(l.container(), l.node(), true, filter(l.lines(), tail, since)))
                    .toList();
        }
        List<ContainerLogs> out = new ArrayList<>();
        for (ContainerInfo c : wanted) {
            List<LogLine> lines;
            try {
                lines = runtime.logs(c.name(), new LogQuery(tail, since));
            } catch (NoSuchContainerException gone) {
                lines = List.of();
            }
            out.add(new ContainerLogs(c.name(), c.node(), false, lines));
        }
        return out;
    }

    private static List<LogLine> filter(List<LogLine> lines, Integer tail, Long since) {
        List<LogLine> kept = lines;
        if (since != null) {
            kept = kept.stream().filter(l -> {
                try {
                    return !Instant.parse(l.ts()).isBefore(Instant.ofEpochSecond(since));
                } catch (RuntimeException unparsable) {
                    return true;
                }
            }).toList();
        }
        if (tail != null && kept.size() > tail) {
            kept = kept.subList(kept.size() - tail, kept.size());
        }
        return kept;
    }

    /** The topology templates, each with its name. */
    public List<TemplateView> templates() {
        return templates.templates().entrySet().stream().map(e -> TemplateView.of(e.getKey(), e.getValue())).toList();
    }

    public TemplateView template(String name) {
        return TemplateView.of(name, templates.require(name));
    }

    /** A template as the API shows it: its name, then the topology's fields. */
    public record TemplateView(String name, String description, String clusterType, Topology.Network network,
            List<io.provisioning.orchestrator.testenv.catalog.NodeSpec> nodes,
            List<io.provisioning.orchestrator.testenv.catalog.CheckSpec> checks) {
        static TemplateView of(String name, Topology t) {
            return new TemplateView(name, t.description(), t.clusterType(), t.network(), t.nodes(), t.checks());
        }
    }

    private Optional<TestEnvironment> update(String id, UnaryOperator<TestEnvironment> change) {
        synchronized (lock(id)) {
            Optional<TestEnvironment> current = store.find(id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            TestEnvironment next = change.apply(current.get());
            store.save(next);
            return Optional.of(next);
        }
    }

    private Object lock(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    /**
     * Stops creations in progress and removes what they made (a clean stop leaves no half-made
     * environment behind; Ready ones stay, as after a crash); then the background work.
     */
    @Override
    public void close() {
        List<String> cutShort = new ArrayList<>(creations.keySet());
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String id : cutShort) {
            try {
                store.find(id).filter(e -> e.status() == EnvironmentStatus.Creating).ifPresent(e -> {
                    cleaner.removeAfterCutShortCreation(id);
                    store.save(e.failed("creation was cut short by a server stop", clock.instant())
                            .cleanedUp(clock.instant()));
                    LOG.info("removed what the unfinished creation of test environment {} made", id);
                });
            } catch (RuntimeException e) {
                LOG.warn("could not remove what the creation of test environment {} made; the next start will", id, e);
            }
        }
        runtime.close();
    }
}
