package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.docker.ContainerRuntime;
import io.provisioning.orchestrator.testenv.store.EnvironmentStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dead server left behind. Records: Creating becomes Failed (its partial containers
 * are removed), Running becomes Failed (its containers stay, it can run again). Docker: every
 * container, network and volume with this server's owner label whose environment has no
 * live record (deleted, cleaned up, or never saved) is removed.
 */
final class LeftoverSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(LeftoverSweeper.class);
    private final ContainerRuntime runtime;
    private final EnvironmentStore store;
    private final EnvironmentCleaner cleaner;
    private final String owner;
    private final Clock clock;

    LeftoverSweeper(ContainerRuntime runtime, EnvironmentStore store, EnvironmentCleaner cleaner, String owner,
            Clock clock) {
        this.runtime = runtime;
        this.store = store;
        this.cleaner = cleaner;
        this.owner = owner;
        this.clock = clock;
    }

    /** Returns the ids whose creation was cut short (their leftovers go in {@link #sweep}). */
    List<String> markInterrupted() {
        List<String> cutShort = new ArrayList<>();
        for (TestEnvironment e : store.list()) {
            if (e.status() == EnvironmentStatus.Creating) {
                store.save(e.failed("creation was cut short by a server restart", clock.instant()));
                cutShort.add(e.id());
            } else if (e.status() == EnvironmentStatus.Running) {
                store.save(e.failed("the run was cut short by a server restart; run it again", clock.instant()));
            }
        }
        return cutShort;
    }

    void sweep(List<String> cutShort) {
        try {
            for (String id : cutShort) {
                cleaner.remove(id);
                store.find(id).ifPresent(e -> store.save(e.cleanedUp(clock.instant())));
                LOG.info("removed what the interrupted creation of test environment {} made", id);
            }
            Set<String> orphans = new TreeSet<>();
            // "" stands for a missing environment label: such things are not an environment's to remove
            Map<String, String> mine = Labels.ofOwner(owner);
            Function<Map<String, String>, String> env = labels -> labels.getOrDefault(Labels.ENVIRONMENT, "");
            runtime.listContainers(mine).forEach(c -> orphans.add(env.apply(c.labels())));
            runtime.listNetworks(mine).forEach(n -> orphans.add(env.apply(n.labels())));
            runtime.listVolumes(mine).forEach(v -> orphans.add(env.apply(v.labels())));
            orphans.remove("");
            orphans.removeIf(id -> store.find(id).filter(e -> !e.cleanedUp()).isPresent());
            for (String id : orphans) {
                var removed = cleaner.remove(id);
                LOG.info("removed leftovers of test environment {}, which has no record: {}", id, removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("sweeping test environment leftovers failed (is Docker running?)", e);
        }
    }
}
