package io.provisioning.orchestrator.testenv.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.testenv.DockerAvailable;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.ContainerSpec;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.ExecResult;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.LogQuery;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.NetworkSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The docker-java runtime against the real daemon. Everything it makes carries this run's label and is removed. */
@ExtendWith(DockerAvailable.class)
class DockerContainerRuntimeTest {
    private static final String BASE = "provisioning/debian-base:12";
    private static final String RUN = "rt-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Map<String, String> LABELS = Map.of("io.provisioning.managed", "true", "io.provisioning.test", RUN);
    private static DockerContainerRuntime runtime;
    private static String network;

    @BeforeAll
    static void network() {
        runtime = new DockerContainerRuntime(DockerAvailable.dockerHost());
        network = RUN;
        runtime.createNetwork(new NetworkSpec(network, null, LABELS));
    }

    @AfterAll
    static void removeEverything() {
        if (runtime == null) {
            return;
        }
        runtime.listContainers(LABELS).forEach(c -> runtime.removeContainer(c.id()));
        runtime.listNetworks(LABELS).forEach(n -> runtime.removeNetwork(n.id()));
        runtime.listVolumes(LABELS).forEach(v -> runtime.removeVolume(v.name()));
        assertThat(runtime.listContainers(LABELS)).isEmpty();
        runtime.close();
    }

    private static String idle(String suffix, long nanoCpus, long memory, Map<String, String> volumes) {
        return runtime.runContainer(new ContainerSpec(RUN + "-" + suffix, suffix, BASE,
                List.of("/usr/local/bin/taskserv-idle"), Map.of("GREETING", "hello world"), LABELS, network,
                List.of(suffix), nanoCpus, memory, volumes, List.of(), List.of(), List.of(), 0));
    }

    @Test
    void speaks_engine_api_1_41_to_the_daemon_named_by_docker_host() {
        assertThat(DockerContainerRuntime.API_VERSION).isEqualTo("1.41");
        assertThat(DockerHost.resolve(null, Map.of("DOCKER_HOST", "unix:///tmp/x.sock"))).isEqualTo("unix:///tmp/x.sock");
        assertThat(DockerHost.resolve("tcp://127.0.0.1:2375", Map.of("DOCKER_HOST", "unix:///tmp/x.sock")))
                .isEqualTo("tcp://127.0.0.1:2375");
        assertThat(DockerHost.resolve(null, Map.of())).isEqualTo("unix:///var/run/docker.sock");
        runtime.ping();
    }

    @Test
    void a_container_gets_its_cpu_and_memory_limits_enforced_by_the_kernel() {
        String id = idle("limits", 500_000_000L, 64L * 1024 * 1024, Map.of());
        var state = runtime.inspect(id);
        assertThat(state.running()).isTrue();
        assertThat(state.memoryBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(state.nanoCpus()).isEqualTo(500_000_000L);
        assertThat(state.labels()).containsAllEntriesOf(LABELS);
        assertThat(runtime.exec(id, List.of("cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"), Duration.ofSeconds(10))
                .stdout().strip()).isEqualTo("67108864");
        assertThat(runtime.exec(id, List.of("cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), Duration.ofSeconds(10))
                .stdout().strip()).isEqualTo("50000");
    }

    @Test
    void exec_returns_stdout_stderr_and_the_exit_code_and_never_goes_through_a_shell() {
        String id = idle("exec", 0, 0, Map.of());
        ExecResult result = runtime.exec(id, List.of("bash", "-c", "echo out; echo err >&2; echo $GREETING; exit 3"),
                Duration.ofSeconds(10));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\nhello world\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.timedOut()).isFalse();
        ExecResult literal = runtime.exec(id, List.of("echo", "a; touch /tmp/injected", "$(id)"), Duration.ofSeconds(10));
        assertThat(literal.stdout()).isEqualTo("a; touch /tmp/injected $(id)\n");
        assertThat(runtime.exec(id, List.of("test", "-e", "/tmp/injected"), Duration.ofSeconds(10)).exitCode()).isEqualTo(1);
        ExecResult slow = runtime.exec(id, List.of("sleep", "5"), Duration.ofMillis(300));
        assertThat(slow.timedOut()).isTrue();
    }

    @Test
    void a_detached_exec_keeps_running_in_the_container() {
        String id = idle("detached", 0, 0, Map.of());
        runtime.execDetached(id, List.of("bash", "-c", "sleep 0.2; echo done > /tmp/marker; sleep 30"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                runtime.exec(id, List.of("cat", "/tmp/marker"), Duration.ofSeconds(5)).stdout().equals("done\n"));
    }

    @Test
    void logs_come_per_stream_with_timestamps_and_honour_tail_and_since() throws Exception {
        String id = runtime.runContainer(new ContainerSpec(RUN + "-logs", "logs", BASE,
                List.of("bash", "-c", "for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; sleep 300"),
                Map.of(), LABELS, network, List.of(), 0, 0, Map.of(), List.of(), List.of(), List.of(), 0));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> runtime.logs(id, new LogQuery(null, null)).size() == 6);
        var all = runtime.logs(id, new LogQuery(null, null));
        assertThat(all).extracting(ContainerRuntime.LogLine::line).contains("line1", "line5", "oops");
        assertThat(all).filteredOn(l -> l.line().equals("oops")).singleElement()
                .satisfies(l -> assertThat(l.stream()).isEqualTo("stderr"));
        assertThat(Instant.parse(all.getFirst().ts())).isBefore(Instant.now().plusSeconds(1));
        assertThat(runtime.logs(id, new LogQuery(2, null))).hasSize(2);
        assertThat(runtime.logs(id, new LogQuery(null, Instant.now().plusSeconds(60).getEpochSecond()))).isEmpty();
    }

    @Test
    void containers_networks_and_volumes_are_found_by_label_and_removing_twice_is_no_error() {
        String volume = RUN + "-data";
        runtime.createVolume(volume, LABELS);
        String id = idle("removable", 0, 0, Map.of(volume, "/data"));
        runtime.exec(id, List.of("touch", "/data/kept"), Duration.ofSeconds(10));
        assertThat(runtime.listContainers(LABELS)).extracting(ContainerRuntime.ContainerSummary::id).contains(id);
        assertThat(runtime.listNetworks(LABELS)).extracting(ContainerRuntime.NetworkSummary::name).containsExactly(network);
        assertThat(runtime.listVolumes(LABELS)).extracting(ContainerRuntime.VolumeSummary::name).contains(volume);
        runtime.removeContainer(id);
        runtime.removeContainer(id);
        runtime.removeVolume(volume);
        runtime.removeVolume(volume);
        assertThat(runtime.listContainers(LABELS)).extracting(ContainerRuntime.ContainerSummary::id).doesNotContain(id);
        assertThat(runtime.listVolumes(LABELS)).extracting(ContainerRuntime.VolumeSummary::name).doesNotContain(volume);
        assertThatThrownBy(() -> runtime.inspect(id)).isInstanceOf(NoSuchContainerException.class);
    }

    @Test
    void a_stopped_container_starts_again_with_its_state() {
        String id = idle("restart", 0, 0, Map.of());
        runtime.exec(id, List.of("touch", "/kept"), Duration.ofSeconds(10));
        runtime.stopContainer(id, Duration.ofSeconds(5));
        assertThat(runtime.inspect(id).running()).isFalse();
        runtime.stopContainer(id, Duration.ofSeconds(5));
        runtime.startContainer(id);
        assertThat(runtime.exec(id, List.of("test", "-e", "/kept"), Duration.ofSeconds(10)).exitCode()).isZero();
    }

    @Test
    void a_daemon_that_is_not_there_is_reported_as_unavailable_with_where_it_was_looked_for() {
        try (var nowhere = new DockerContainerRuntime("unix:///nonexistent/docker.sock")) {
            assertThatThrownBy(nowhere::ping).isInstanceOf(ContainerRuntimeUnavailableException.class)
                    .hasMessageContaining("unix:///nonexistent/docker.sock");
        }
    }
}
