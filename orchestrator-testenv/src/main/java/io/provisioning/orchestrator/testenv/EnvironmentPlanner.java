package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.catalog.NodeSpec;
import io.provisioning.orchestrator.testenv.catalog.Profile;
import io.provisioning.orchestrator.testenv.catalog.Resources;
import io.provisioning.orchestrator.testenv.catalog.Taskserv;
import io.provisioning.orchestrator.testenv.catalog.TaskservCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resolves a request against the catalog: which image, command, environment and limits each node gets. */
public final class EnvironmentPlanner {
    private final TaskservCatalog catalog;

    public EnvironmentPlanner(TaskservCatalog catalog) {
        this.catalog = catalog;
    }

    /** {@code subnet}: the one chosen for this environment (null: Docker picks). */
    public EnvironmentPlan plan(EnvironmentRequest request, String subnet) {
        return switch (request.type()) {
            case SINGLE_TASKSERV, SERVER_SIMULATION -> new EnvironmentPlan(subnet, List.of(node(request.nodeName(),
                    request.type() == EnvironmentType.SINGLE_TASKSERV ? "taskserv" : "server", request.taskservs(),
                    request.baseImage(), request.environment(), request.resources(), request.profile(),
                    request.type() == EnvironmentType.SERVER_SIMULATION)), List.of());
            case CLUSTER_TOPOLOGY -> {
                List<EnvironmentPlan.Node> nodes = new ArrayList<>();
                for (NodeSpec spec : request.topology().nodes()) {
                    nodes.add(node(spec.name(), spec.role() == null ? "node" : spec.role(), spec.taskservs(), null,
                            Map.of(), spec.resources(), spec.profile(), false));
                }
                yield new EnvironmentPlan(subnet, nodes, request.topology().checks());
            }
        };
    }

    private EnvironmentPlan.Node node(String name, String role, List<String> taskservNames, String baseImage,
            Map<String, String> extraEnv, Resources resources, String profileName, boolean alwaysViaExec) {
        List<Taskserv> taskservs = taskservNames.stream().map(catalog::require).toList();
        Taskserv first = taskservs.getFirst();
        String image = baseImage != null ? baseImage : first.image();
        boolean viaExec = alwaysViaExec || taskservs.size() > 1 || !image.equals(first.image());
        Map<String, String> env = new LinkedHashMap<>();
        taskservs.forEach(t -> env.putAll(t.environment()));
        env.putAll(extraEnv);
        String profile = profileName;
        if (profile == null) {
            profile = taskservs.stream().map(Taskserv::profile).filter(p -> p != null).findFirst().orElse(null);
        }
        Profile resolvedProfile = profile == null ? Profile.NONE : catalog.profile(profile);
        return new EnvironmentPlan.Node(name, role, image, viaExec ? catalog.idleCommand() : first.start(), env,
                taskservs, limits(resources, taskservs), profile, resolvedProfile, viaExec);
    }

    /**
     * The request's limits; what is missing comes from the catalog (summed over the node's taskservs),
     * and memory no one gives is {@link Resources#DEFAULT_MEMORY_MB}: no container runs without a limit.
     */
    private static Resources limits(Resources requested, List<Taskserv> taskservs) {
        int cpu = 0;
        int memory = 0;
        for (Taskserv t : taskservs) {
            if (t.resources() != null) {
                cpu += t.resources().cpuMillicores() == null ? 0 : t.resources().cpuMillicores();
                memory += t.resources().memoryMb() == null ? 0 : t.resources().memoryMb();
            }
        }
        Resources fromCatalog = new Resources(cpu == 0 ? null : cpu, memory == 0 ? null : memory);
        Resources limits = requested == null ? fromCatalog : requested.orElse(fromCatalog);
        return limits.orElse(new Resources(null, Resources.DEFAULT_MEMORY_MB));
    }
}
