package io.provisioning.orchestrator.testenv.docker;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one extension point between the Test Environment Service and a container engine.
 * Every command is an argument list, never a shell string. Removing something that is
 * already gone is not an error: cleanup must be repeatable.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** Where the runtime is, for messages (e.g. {@code unix:///var/run/docker.sock}). */
    String endpoint();

    /** Answers or throws {@link ContainerRuntimeUnavailableException}. */
    void ping();

    boolean imageExists(String image);

    /** Creates a bridge network; returns its id. */
    String createNetwork(NetworkSpec spec);

    void removeNetwork(String idOrName);

    /** Creates a named local volume with labels. */
    void createVolume(String name, Map<String, String> labels);

    void removeVolume(String name);

    /** Creates and starts a container; returns its id. */
    String runContainer(ContainerSpec spec);

    void startContainer(String idOrName);

    void stopContainer(String idOrName, Duration timeout);

    /** Removes a container by force, together with its anonymous volumes. */
    void removeContainer(String idOrName);

    ContainerState inspect(String idOrName);

    /** Runs {@code argv} in a running container and waits for it, at most {@code timeout}. */
    ExecResult exec(String idOrName, List<String> argv, Duration timeout);

    /** Starts {@code argv} in a running container without waiting (docker exec -d). */
    void execDetached(String idOrName, List<String> argv);

    List<LogLine> logs(String idOrName, LogQuery query);

    /** Containers (running or not) carrying every one of {@code labels}. */
    List<ContainerSummary> listContainers(Map<String, String> labels);

    List<NetworkSummary> listNetworks(Map<String, String> labels);

    List<VolumeSummary> listVolumes(Map<String, String> labels);

    @Override
    void close();

    record NetworkSpec(String name, String subnet, Map<String, String> labels) {}

    record ContainerSpec(String name, String hostname, String image, List<String> command, Map<String, String> env,
            Map<String, String> labels, String network, List<String> aliases, long nanoCpus, long memoryBytes,
            Map<String, String> volumes, List<String> capAdd, List<String> capDrop, List<String> securityOpt,
            long pidsLimit) {}

    record ExecResult(int exitCode, String stdout, String stderr, Duration duration, boolean timedOut) {
        public String output() {
            if (stderr.isEmpty()) {
                return stdout;
            }
            return stdout.isEmpty() ? stderr : stdout + (stdout.endsWith("\n") ? "" : "\n") + stderr;
        }
    }

    /** {@code tail}: last N lines (null: all); {@code since}: epoch seconds (null: from the start). */
    record LogQuery(Integer tail, Long since) {}

    record LogLine(String ts, String stream, String line) {}

    record ContainerState(String id, String name, boolean running, String status, Integer exitCode, boolean oomKilled,
            long memoryBytes, long nanoCpus, Map<String, String> labels, long pidsLimit) {}

    record ContainerSummary(String id, String name, String state, Map<String, String> labels) {}

    record NetworkSummary(String id, String name, List<String> subnets, Map<String, String> labels) {}

    record VolumeSummary(String name, Map<String, String> labels) {}
}
