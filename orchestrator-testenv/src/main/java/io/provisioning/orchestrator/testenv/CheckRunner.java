package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.catalog.CheckSpec;
import io.provisioning.orchestrator.testenv.catalog.Taskserv;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.ExecResult;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an environment's checks inside its containers with docker exec: each taskserv's own
 * checks (on the first or on each node that has it), then its idempotence check (installing
 * again must change nothing, and the taskserv must still be ready), then the topology's
 * cross-node checks, stopping and restarting nodes where a check asks for it.
 */
final class CheckRunner {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_OUTPUT = 8192;
    private final ContainerRuntime runtime;
    private final EnvironmentProvisioner provisioner;
    private final Clock clock;

    CheckRunner(ContainerRuntime runtime, EnvironmentProvisioner provisioner, Clock clock) {
        this.runtime = runtime;
        this.provisioner = provisioner;
        this.clock = clock;
    }

    List<CheckResult> run(String id, EnvironmentPlan plan) throws InterruptedException {
        List<CheckResult> results = new ArrayList<>();
        Map<String, Taskserv> taskservs = new LinkedHashMap<>();
        plan.nodes().forEach(n -> n.taskservs().forEach(t -> taskservs.putIfAbsent(t.name(), t)));
        for (Taskserv taskserv : taskservs.values()) {
            List<EnvironmentPlan.Node> nodes = plan.nodes().stream().filter(n -> n.has(taskserv.name())).toList();
            for (CheckSpec check : taskserv.checks()) {
                for (EnvironmentPlan.Node node : check.onEachNode() ? nodes : nodes.subList(0, 1)) {
                    if (check.requiresProfile() != null && !check.requiresProfile().equals(node.profileName())) {
                        results.add(CheckResult.skipped(check.name(), taskserv.name(), node.name(),
                                "skipped: needs the node profile '" + check.requiresProfile() + "'", clock.instant()));
                        continue;
                    }
                    Placeholders placeholders = Placeholders.forNode(plan, node, taskserv, id);
                    results.add(execute(id, check, node.name(), taskserv.name(), "check", placeholders));
                }
            }
            if (taskserv.idempotence() != null) {
                for (EnvironmentPlan.Node node : nodes) {
                    results.add(idempotence(id, plan, node, taskserv));
                }
            }
        }
        for (CheckSpec check : plan.topologyChecks()) {
            results.add(topologyCheck(id, plan, check));
        }
        return results;
    }

    private CheckResult idempotence(String id, EnvironmentPlan plan, EnvironmentPlan.Node node, Taskserv taskserv)
            throws InterruptedException {
        Placeholders placeholders = Placeholders.forNode(plan, node, taskserv, id);
        CheckResult installed = execute(id, taskserv.idempotence(), node.name(), taskserv.name(), "idempotence",
                placeholders);
        if (!installed.passed()) {
            return installed;
        }
        try {
            provisioner.awaitReady(id, node, taskserv);
            return installed;
        } catch (ProvisioningException e) {
            return CheckResult.of(installed.name(), "idempotence", taskserv.name(), node.name(), false,
                    installed.output() + "\n[not ready after installing again: " + e.getMessage() + "]",
                    installed.exitCode(), installed.durationMs(), installed.startedAt());
        }
    }

    private CheckResult topologyCheck(String id, EnvironmentPlan plan, CheckSpec check) throws InterruptedException {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        for (String stopped : check.stopNodes()) {
            runtime.stopContainer(Labels.dockerName(id, stopped), Duration.ofSeconds(10));
            before.append("[stopped ").append(stopped).append("]\n");
        }
        CheckResult result;
        try {
            EnvironmentPlan.Node node = plan.node(check.node());
            Placeholders placeholders = new Placeholders(node.name(), "", id);
            result = execute(id, check, node.name(), null, "topology", placeholders);
        } finally {
            for (String stopped : check.stopNodes()) {
                runtime.startContainer(Labels.dockerName(id, stopped));
            }
        }
        for (String stopped : check.stopNodes()) {
            EnvironmentPlan.Node node = plan.node(stopped);
            for (Taskserv taskserv : node.taskservs()) {
                try {
                    provisioner.awaitReady(id, node, taskserv);
                    after.append("\n[started ").append(stopped).append(" again; ").append(taskserv.name())
                            .append(" ready]");
                } catch (ProvisioningException e) {
                    return CheckResult.of(check.name(), "topology", null, check.node(), false,
                            cap(before + result.output() + after + "\n[" + e.getMessage() + "]"), result.exitCode(),
                            elapsedMs(t0), started);
                }
            }
        }
        return CheckResult.of(check.name(), "topology", null, check.node(), result.passed(),
                cap(before + result.output() + after), result.exitCode(), elapsedMs(t0), started);
    }

    private CheckResult execute(String id, CheckSpec check, String node, String taskserv, String kind,
            Placeholders placeholders) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Duration timeout = check.timeoutS() == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(check.timeoutS());
        String name = kind.equals("idempotence") ? "idempotence" : check.name();
        try {
            ExecResult result = runtime.exec(Labels.dockerName(id, node), placeholders.apply(check.argv()), timeout);
            List<String> misses = check.expect().resolved(placeholders::apply).misses(result);
            String output = result.output().strip();
            if (!misses.isEmpty()) {
                output = output + (output.isEmpty() ? "" : "\n") + "[" + String.join("; ", misses) + "]";
            }
            return CheckResult.of(name, kind, taskserv, node, misses.isEmpty(), cap(output), result.exitCode(),
                    result.duration().toMillis(), started);
        } catch (ContainerRuntimeException e) {
            return CheckResult.of(name, kind, taskserv, node, false, "[could not run: " + e.getMessage() + "]", null,
                    elapsedMs(t0), started);
        }
    }

    private static long elapsedMs(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static String cap(String output) {
        return output.length() <= MAX_OUTPUT ? output
                : output.substring(0, MAX_OUTPUT) + "\n[... " + (output.length() - MAX_OUTPUT) + " more characters]";
    }
}
