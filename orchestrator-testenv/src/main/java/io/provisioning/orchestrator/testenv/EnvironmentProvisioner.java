package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.TestEnvironment.ContainerInfo;
import io.provisioning.orchestrator.testenv.TestEnvironment.NetworkInfo;
import io.provisioning.orchestrator.testenv.catalog.Readiness;
import io.provisioning.orchestrator.testenv.catalog.Resources;
import io.provisioning.orchestrator.testenv.catalog.Taskserv;
import io.provisioning.orchestrator.testenv.catalog.TaskservCatalog;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.ContainerSpec;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.ExecResult;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.NetworkSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes an environment real: its network, then every node's volumes and container (all
 * created before any readiness is polled, so clustered members can find a quorum), then
 * installs and starts the taskservs of exec nodes, then waits for every taskserv's readiness.
 */
final class EnvironmentProvisioner {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private final ContainerRuntime runtime;
    private final TaskservCatalog catalog;
    private final String owner;
    private final java.nio.file.Path ownerHome;
    private final ReadinessProbe probe;

    /** Where progress goes: the service saves each step in the environment's record. */
    interface Progress {
        void message(String text);

        void network(NetworkInfo network);

        void container(ContainerInfo container);
    }

    EnvironmentProvisioner(ContainerRuntime runtime, TaskservCatalog catalog, String owner) {
        this(runtime, catalog, owner, null);
    }

    /** {@code ownerHome}: the folder of the owner id file, labelled on everything made (see {@link DaemonPruner}). */
    EnvironmentProvisioner(ContainerRuntime runtime, TaskservCatalog catalog, String owner, java.nio.file.Path ownerHome) {
        this.ownerHome = ownerHome;
        this.runtime = runtime;
        this.catalog = catalog;
        this.owner = owner;
        this.probe = new ReadinessProbe(runtime);
    }

    void provision(String id, EnvironmentPlan plan, Progress progress) throws InterruptedException {
        for (EnvironmentPlan.Node node : plan.nodes()) {
            if (!runtime.imageExists(node.image())) {
                throw new ProvisioningException("image " + node.image() + " is not on this machine; build it with "
                        + "docker/build-images.sh (no registry is used)");
            }
        }
        Map<String, String> labels = Labels.ofEnvironment(owner, ownerHome, id);
        String networkName = Labels.dockerName(id, null);
        String networkId = runtime.createNetwork(new NetworkSpec(networkName, plan.subnet(), labels));
        String subnet = plan.subnet() != null ? plan.subnet() : runtime.listNetworks(labels).stream()
                .filter(n -> n.id().equals(networkId)).flatMap(n -> n.subnets().stream()).findFirst().orElse(null);
        progress.network(new NetworkInfo(networkName, networkId, subnet));
        for (EnvironmentPlan.Node node : plan.nodes()) {
            checkInterrupted();
            progress.container(startNode(id, plan, node, networkName, labels));
        }
        for (EnvironmentPlan.Node node : plan.nodes()) {
            if (node.viaExec()) {
                installAndStart(id, plan, node, progress);
            }
        }
        for (EnvironmentPlan.Node node : plan.nodes()) {
            for (Taskserv taskserv : node.taskservs()) {
                awaitReady(id, node, taskserv);
            }
        }
    }

    void awaitReady(String id, EnvironmentPlan.Node node, Taskserv taskserv) throws InterruptedException {
        Readiness readiness = taskserv.readiness().withDefaults(catalog.readinessDefaults());
        probe.await(Labels.dockerName(id, node.name()), taskserv.name() + " on node " + node.name(), readiness.argv(),
                Duration.ofMillis(readiness.intervalMs()), Duration.ofSeconds(readiness.timeoutS()));
    }

    private ContainerInfo startNode(String id, EnvironmentPlan plan, EnvironmentPlan.Node node, String network,
            Map<String, String> envLabels) {
        Map<String, String> labels = new LinkedHashMap<>(envLabels);
        labels.put(Labels.NODE, node.name());
        labels.put(Labels.ROLE, node.role());
        labels.put(Labels.TASKSERVS, String.join(",", node.taskservNames()));
        Map<String, String> volumes = new LinkedHashMap<>();
        for (Taskserv taskserv : node.taskservs()) {
            for (String path : taskserv.volumes()) {
                if (volumes.containsValue(path)) {
                    continue;
                }
                String volume = Labels.dockerName(id, node.name() + "-" + (volumes.size() + 1));
                runtime.createVolume(volume, labels);
                volumes.put(volume, path);
            }
        }
        Taskserv first = node.taskservs().getFirst();
        List<String> command = node.viaExec() ? node.command()
                : Placeholders.forNode(plan, node, first, id).apply(node.command());
        String name = Labels.dockerName(id, node.name());
        String containerId = runtime.runContainer(new ContainerSpec(name, node.name(), node.image(), command, node.env(),
                labels, network, List.of(node.name()), node.resources().nanoCpus(), node.resources().memoryBytes(),
                volumes, node.profile().capAdd(), node.profile().capDrop(), node.profile().securityOpt(),
                Resources.DEFAULT_PIDS_LIMIT));
        return new ContainerInfo(name, containerId, node.name(), node.role(), node.image(), node.taskservNames(),
                node.resources().cpuMillicores(), node.resources().memoryMb(), List.copyOf(volumes.keySet()));
    }

    private void installAndStart(String id, EnvironmentPlan plan, EnvironmentPlan.Node node, Progress progress)
            throws InterruptedException {
        String container = Labels.dockerName(id, node.name());
        for (Taskserv taskserv : node.taskservs()) {
            checkInterrupted();
            if (!taskserv.install().isEmpty()) {
                progress.message("installing " + taskserv.name() + " on " + node.name());
                ExecResult installed = runtime.exec(container, taskserv.install(), INSTALL_TIMEOUT);
                if (installed.exitCode() != 0) {
                    throw new ProvisioningException("installing " + taskserv.name() + " on node " + node.name()
                            + " failed (exit code " + installed.exitCode() + "): " + lastLines(installed.output()));
                }
            }
            progress.message("starting " + taskserv.name() + " on " + node.name());
            runtime.execDetached(container, Placeholders.forNode(plan, node, taskserv, id).apply(taskserv.start()));
        }
    }

    private static String lastLines(String output) {
        List<String> lines = output.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    private static void checkInterrupted() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("creation cancelled");
        }
    }
}
