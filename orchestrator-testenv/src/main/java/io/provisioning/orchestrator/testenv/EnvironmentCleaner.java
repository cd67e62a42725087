package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.docker.ContainerRuntime;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.ContainerSummary;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.NetworkSummary;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.VolumeSummary;
import java.util.Map;

/**
 * Removes everything an environment made, found by its labels rather than by the record: a
 * creation cut short may have made things the record never heard of. Containers first (with
 * their anonymous volumes), then the network and the named volumes.
 */
final class EnvironmentCleaner {
    private final ContainerRuntime runtime;
    private final String owner;

    EnvironmentCleaner(ContainerRuntime runtime, String owner) {
        this.runtime = runtime;
        this.owner = owner;
    }

    /** What was removed, for the log. */
    record Removed(int containers, int networks, int volumes) {
        boolean any() {
            return containers + networks + volumes > 0;
        }

        Removed plus(Removed other) {
            return new Removed(containers + other.containers, networks + other.networks, volumes + other.volumes);
        }
    }

    /**
     * For a creation that was cut short: a Docker call it had in flight (a network being created,
     * say) may still complete in the daemon after the first pass has listed what exists, so look
     * again a few times, a little later each time, until a later pass finds nothing.
     */
    Removed removeAfterCutShortCreation(String environmentId) {
        Removed total = remove(environmentId);
        for (long waitMillis : new long[] {300, 1_000, 2_000}) {
            try {
                Thread.sleep(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Removed late = remove(environmentId);
            total = total.plus(late);
            if (!late.any() && waitMillis >= 1_000) {
                break;
            }
        }
        return total;
    }

    Removed remove(String environmentId) {
        Map<String, String> labels = Labels.ofEnvironment(owner, environmentId);
        int containers = 0;
        for (ContainerSummary c : runtime.listContainers(labels)) {
            runtime.removeContainer(c.id());
            containers++;
        }
        int networks = 0;
        for (NetworkSummary n : runtime.listNetworks(labels)) {
            runtime.removeNetwork(n.id());
            networks++;
        }
        int volumes = 0;
        for (VolumeSummary v : runtime.listVolumes(labels)) {
            runtime.removeVolume(v.name());
            volumes++;
        }
        return new Removed(containers, networks, volumes);
    }
}
