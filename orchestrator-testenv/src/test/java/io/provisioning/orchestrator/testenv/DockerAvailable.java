package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.docker.ContainerRuntimeException;
import io.provisioning.orchestrator.testenv.docker.DockerContainerRuntime;
import io.provisioning.orchestrator.testenv.docker.DockerHost;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Guards the tests that need the real Docker daemon and the locally built images. In CI
 * ({@code CI=true}) a missing daemon or image FAILS the test class: CI must test the real thing.
 * On a developer machine the class is skipped, with a banner saying why and how to fix it.
 */
public final class DockerAvailable implements BeforeAllCallback {
    public static final List<String> IMAGES = List.of("provisioning/debian-base:12", "provisioning/taskserv-postgres:12",
            "provisioning/taskserv-redis:12", "provisioning/taskserv-etcd:12", "provisioning/taskserv-containerd:12");

    public static String dockerHost() {
        return DockerHost.resolve(null, System.getenv());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String problem = problem();
        if (problem == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + problem + "; .ci/run must bring Docker up "
                    + "(.ci/docker-up.sh) and build the images (docker/build-images.sh) before the tests");
        }
        String banner = "\n" + "!".repeat(100) + "\n!! SKIPPED " + context.getDisplayName() + ": " + problem
                + "\n!! These tests need the real Docker daemon: run .ci/docker-up.sh and docker/build-images.sh"
                + "\n" + "!".repeat(100) + "\n";
        System.err.println(banner);
        throw new TestAbortedException(problem);
    }

    private static String problem() {
        try (DockerContainerRuntime runtime = new DockerContainerRuntime(dockerHost())) {
            runtime.ping();
            for (String image : IMAGES) {
                if (!runtime.imageExists(image)) {
                    return "image " + image + " is missing";
                }
            }
            return null;
        } catch (ContainerRuntimeException e) {
            return "Docker is not reachable at " + dockerHost() + " (" + e.getMessage() + ")";
        }
    }
}
