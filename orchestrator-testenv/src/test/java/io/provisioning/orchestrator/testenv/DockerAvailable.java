package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.docker.ContainerRuntimeException;
import io.provisioning.orchestrator.testenv.docker.DockerContainerRuntime;
import io.provisioning.orchestrator.testenv.docker.DockerHost;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Guards the tests that need the real Docker daemon and the locally built images. In CI
 * ({@code CI=true}) a missing daemon or image FAILS the test class: CI must test the real thing.
 * On a developer machine the class is skipped (counted as skipped), with a banner saying why and
 * how to fix it.
 */
public final class DockerAvailable implements ExecutionCondition {
    public static final List<String> IMAGES = List.of("provisioning/debian-base:12", "provisioning/taskserv-postgres:12",
            "provisioning/taskserv-redis:12", "provisioning/taskserv-etcd:12", "provisioning/taskserv-containerd:12");
    private static volatile Optional<String> problem;

    public static String dockerHost() {
        return DockerHost.resolve(null, System.getenv());
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> found = problem();
        if (found.isEmpty()) {
            return ConditionEvaluationResult.enabled("Docker answers at " + dockerHost() + " and the images are built");
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + found.get() + "; .ci/run must bring Docker up "
                    + "(.ci/docker-up.sh) and build the images (docker/build-images.sh) before the tests");
        }
        if (context.getTestMethod().isEmpty()) {
            System.err.println("\n" + "!".repeat(100) + "\n!! SKIPPED " + context.getDisplayName() + ": " + found.get()
                    + "\n!! These tests need the real Docker daemon: run .ci/docker-up.sh and docker/build-images.sh"
                    + "\n" + "!".repeat(100) + "\n");
        }
        return ConditionEvaluationResult.disabled("SKIPPED (no Docker): " + found.get());
    }

    private static Optional<String> problem() {
        Optional<String> known = problem;
        if (known == null) {
            known = Optional.ofNullable(probe());
            problem = known;
        }
        return known;
    }

    private static String probe() {
        try (DockerContainerRuntime runtime = new DockerContainerRuntime(dockerHost())) {
            runtime.ping();
            for (String image : IMAGES) {
                if (!runtime.imageExists(image)) {
                    return "image " + image + " is missing (no registry here: docker/build-images.sh builds it)";
                }
            }
            return null;
        } catch (ContainerRuntimeException e) {
            return e.getMessage();
        }
    }
}
