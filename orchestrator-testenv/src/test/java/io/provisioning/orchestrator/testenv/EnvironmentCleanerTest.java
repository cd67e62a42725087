package io.provisioning.orchestrator.testenv;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.NetworkSpec;
import io.provisioning.orchestrator.testenv.docker.DockerContainerRuntime;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Against the real daemon: what a cut-short creation's last Docker call makes after the first pass is removed too. */
@ExtendWith(DockerAvailable.class)
class EnvironmentCleanerTest {

    @Test
    void a_network_that_appears_after_the_first_pass_of_a_cut_short_creation_is_removed_as_well() throws Exception {
        String owner = "cleaner-test-" + UUID.randomUUID().toString().substring(0, 8);
        String environment = UUID.randomUUID().toString();
        Map<String, String> labels = Labels.ofEnvironment(owner, environment);
        DockerContainerRuntime runtime = new DockerContainerRuntime(DockerAvailable.dockerHost());
        try {
            EnvironmentCleaner cleaner = new EnvironmentCleaner(runtime, owner);
            // the daemon finishing a create that the cancelled creation no longer waits for
            Thread late = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                }
                runtime.createNetwork(new NetworkSpec(Labels.dockerName(environment, null), null, labels));
            });

            EnvironmentCleaner.Removed removed = cleaner.removeAfterCutShortCreation(environment);
            late.join();

            assertThat(removed.networks()).isEqualTo(1);
            assertThat(runtime.listNetworks(labels)).isEmpty();
        } finally {
            runtime.listNetworks(labels).forEach(n -> runtime.removeNetwork(n.id()));
            runtime.close();
        }
    }
}
