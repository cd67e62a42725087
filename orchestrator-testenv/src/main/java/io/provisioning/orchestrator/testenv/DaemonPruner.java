package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.docker.ContainerRuntime;
import io.provisioning.orchestrator.testenv.store.EnvironmentStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code provisioning test env prune}: removes from the daemon the managed containers, networks
 * and volumes that nobody will ever remove otherwise: those whose owner's data dir no longer
 * exists (its {@link Labels#OWNER_HOME} has no owner file, or one with another id: the data dir
 * was deleted and made again), and this server's own whose environment has no live record.
 * Things of another live server, and things without the labels to tell, are left alone.
 */
public final class DaemonPruner {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonPruner.class);
    private final ContainerRuntime runtime;
    private final EnvironmentStore store;
    private final String owner;

    /** One thing removed: {@code kind} container, network or volume; {@code reason} one sentence. */
    public record Pruned(String kind, String name, String environment, String reason) {}

    DaemonPruner(ContainerRuntime runtime, EnvironmentStore store, String owner) {
        this.runtime = runtime;
        this.store = store;
        this.owner = owner;
    }

    public List<Pruned> prune() {
        Map<String, String> managed = Map.of(Labels.MANAGED, "true");
        Map<String, Optional<String>> ownerVerdicts = new HashMap<>();
        List<Pruned> removed = new ArrayList<>();
        for (var c : runtime.listContainers(managed)) {
            reason(c.labels(), ownerVerdicts).ifPresent(why -> {
                runtime.removeContainer(c.id());
                removed.add(new Pruned("container", c.name(), environment(c.labels()), why));
            });
        }
        for (var n : runtime.listNetworks(managed)) {
            reason(n.labels(), ownerVerdicts).ifPresent(why -> {
                runtime.removeNetwork(n.id());
                removed.add(new Pruned("network", n.name(), environment(n.labels()), why));
            });
        }
        for (var v : runtime.listVolumes(managed)) {
            reason(v.labels(), ownerVerdicts).ifPresent(why -> {
                runtime.removeVolume(v.name());
                removed.add(new Pruned("volume", v.name(), environment(v.labels()), why));
            });
        }
        removed.forEach(p -> LOG.info("pruned {} {} of test environment {}: {}", p.kind(), p.name(), p.environment(),
                p.reason()));
        return removed;
    }

    /** Why this thing should go, or empty when it stays. */
    private Optional<String> reason(Map<String, String> labels, Map<String, Optional<String>> ownerVerdicts) {
        String thingOwner = labels.get(Labels.OWNER);
        String environment = labels.get(Labels.ENVIRONMENT);
        if (thingOwner == null || environment == null) {
            return Optional.empty();
        }
        if (thingOwner.equals(owner)) {
            boolean live = store.find(environment).filter(e -> !e.cleanedUp()).isPresent();
            return live ? Optional.empty() : Optional.of("its environment is gone (no live record on this server)");
        }
        String home = labels.get(Labels.OWNER_HOME);
        if (home == null) {
            return Optional.empty();
        }
        return ownerVerdicts.computeIfAbsent(thingOwner + "\n" + home, key -> ownerGone(thingOwner, Path.of(home)));
    }

    private static Optional<String> ownerGone(String thingOwner, Path home) {
        Path file = home.resolve("owner");
        Path dataDir = home.getParent() != null ? home.getParent() : home;
        if (!Files.isRegularFile(file)) {
            return Optional.of("its data dir " + dataDir + " no longer exists");
        }
        try {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            return id.equals(thingOwner) ? Optional.empty()
                    : Optional.of("its data dir " + dataDir + " was deleted (it now belongs to another server)");
        } catch (IOException e) {
            return Optional.empty(); // cannot tell: leave it
        }
    }

    private static String environment(Map<String, String> labels) {
        return labels.getOrDefault(Labels.ENVIRONMENT, "");
    }
}
