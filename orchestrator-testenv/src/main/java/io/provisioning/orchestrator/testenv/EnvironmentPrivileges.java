package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.catalog.CheckSpec;
import io.provisioning.orchestrator.testenv.catalog.NodeSpec;
import io.provisioning.orchestrator.testenv.catalog.Profile;
import io.provisioning.orchestrator.testenv.catalog.Taskserv;
import io.provisioning.orchestrator.testenv.catalog.TaskservCatalog;
import io.provisioning.orchestrator.testenv.catalog.Topology;
import io.provisioning.orchestrator.testenv.catalog.TopologyTemplates;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Least privilege for test environments. What a request may ask for only when the caller is an
 * admin <em>and</em> the server was started with {@code --allow-privileged-testenv}: a privileged
 * profile ({@link Profile#privileged()}, e.g. {@code nested}: all capabilities, no seccomp, no
 * AppArmor), a {@code base_image} that is neither the catalog's base image nor a taskserv's image,
 * and inline check commands (checks of an inline topology that are not a template's own). What the
 * operator's own catalog and templates say stays allowed to everyone.
 */
public final class EnvironmentPrivileges {
    /** The flag that allows them, named in every refusal. */
    public static final String FLAG = "--allow-privileged-testenv";
    private final boolean allowed;
    private final TaskservCatalog catalog;
    private final Set<String> knownImages = new HashSet<>();
    private final Set<CheckSpec> templateChecks = new HashSet<>();

    public EnvironmentPrivileges(boolean allowed, TaskservCatalog catalog, TopologyTemplates templates) {
        this.allowed = allowed;
        this.catalog = catalog;
        if (catalog.baseImage() != null) {
            knownImages.add(catalog.baseImage());
        }
        catalog.taskservs().values().stream().map(Taskserv::image).filter(i -> i != null).forEach(knownImages::add);
        templates.templates().values().forEach(t -> templateChecks.addAll(t.checks()));
    }

    /** Whether the server allows privileged requests at all (for admins). */
    public boolean allowed() {
        return allowed;
    }

    /** What in {@code request} needs privileges, one phrase each; empty when nothing does. */
    public List<String> asked(EnvironmentRequest request) {
        List<String> asked = new ArrayList<>();
        profile(request.profile(), "config.profile", asked);
        if (request.baseImage() != null && !knownImages.contains(request.baseImage())) {
            asked.add("config.base_image " + request.baseImage() + " (not an image of the catalog)");
        }
        Topology topology = request.topology();
        if (topology != null && request.template() == null) {
            for (int i = 0; i < topology.nodes().size(); i++) {
                NodeSpec node = topology.nodes().get(i);
                profile(node.profile(), "config.topology.nodes[" + i + "].profile", asked);
            }
            List<String> inline = topology.checks().stream().filter(c -> !templateChecks.contains(c)).map(CheckSpec::name)
                    .toList();
            if (!inline.isEmpty()) {
                asked.add("inline check commands (" + String.join(", ", inline) + ")");
            }
        }
        return asked;
    }

    /** Refuses (403) a request that needs privileges unless {@code callerIsAdmin} and the server allows them. */
    public void check(EnvironmentRequest request, boolean callerIsAdmin) {
        List<String> asked = asked(request);
        if (asked.isEmpty() || (allowed && callerIsAdmin)) {
            return;
        }
        String what = String.join("; ", asked);
        throw new PrivilegedEnvironmentRefusedException(allowed
                ? "only an admin may create a test environment with " + what
                : "this server does not create privileged test environments (" + what + "): start it with " + FLAG
                        + " and ask as an admin");
    }

    private void profile(String name, String field, List<String> asked) {
        if (name != null && catalog.profile(name).privileged()) {
            asked.add(field + " " + name + " (privileged: added capabilities or no seccomp/AppArmor)");
        }
    }
}
