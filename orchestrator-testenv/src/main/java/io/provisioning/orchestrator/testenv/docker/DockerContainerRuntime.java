package io.provisioning.orchestrator.testenv.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link ContainerRuntime} on the Docker Engine API through docker-java, pinned to API 1.41
 * (Debian 12's Docker 20.10 speaks no newer one).
 */
public final class DockerContainerRuntime implements ContainerRuntime {
    public static final String API_VERSION = "1.41";
    private static final Pattern DAEMON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private final String endpoint;
    private final DockerClient client;

    public DockerContainerRuntime(String dockerHost) {
        this.endpoint = dockerHost;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .withApiVersion(API_VERSION)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(dockerHost))
                .sslConfig(config.getSSLConfig())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(15))
                .build();
        this.client = DockerClientImpl.getInstance(config, http);
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void ping() {
        call("ping", () -> client.pingCmd().exec());
    }

    @Override
    public boolean imageExists(String image) {
        try {
            call("inspect image " + image, () -> client.inspectImageCmd(image).exec());
            return true;
        } catch (NoSuchContainerException e) {
            return false;
        }
    }

    @Override
    public String createNetwork(NetworkSpec spec) {
        return call("create network " + spec.name(), () -> {
            var cmd = client.createNetworkCmd().withName(spec.name()).withDriver("bridge").withLabels(spec.labels())
                    .withCheckDuplicate(true);
            if (spec.subnet() != null) {
                cmd.withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(spec.subnet())));
            }
            return cmd.exec().getId();
        });
    }

    @Override
    public void removeNetwork(String idOrName) {
        ignoringMissing(() -> call("remove network " + idOrName, () -> client.removeNetworkCmd(idOrName).exec()));
    }

    @Override
    public void createVolume(String name, Map<String, String> labels) {
        call("create volume " + name, () -> client.createVolumeCmd().withName(name).withDriver("local")
                .withLabels(labels).exec());
    }

    @Override
    public void removeVolume(String name) {
        ignoringMissing(() -> call("remove volume " + name, () -> client.removeVolumeCmd(name).exec()));
    }

    @Override
    public String runContainer(ContainerSpec spec) {
        String id = call("create container " + spec.name(), () -> {
            List<Bind> binds = new ArrayList<>();
            spec.volumes().forEach((volume, path) -> binds.add(new Bind(volume, new Volume(path))));
            HostConfig host = HostConfig.newHostConfig()
                    .withNetworkMode(spec.network())
                    .withBinds(binds)
                    .withCapAdd(capabilities(spec.capAdd()))
                    .withCapDrop(capabilities(spec.capDrop()))
                    .withSecurityOpts(spec.securityOpt().isEmpty() ? null : spec.securityOpt());
            if (spec.nanoCpus() > 0) {
                host.withNanoCPUs(spec.nanoCpus());
            }
            if (spec.pidsLimit() > 0) {
                host.withPidsLimit(spec.pidsLimit());
            }
            if (spec.memoryBytes() > 0) {
                // memory + swap equal: no swap beyond the limit, so the limit is what the node gets
                host.withMemory(spec.memoryBytes()).withMemorySwap(spec.memoryBytes());
            }
            CreateContainerCmd cmd = client.createContainerCmd(spec.image())
                    .withName(spec.name())
                    .withHostName(spec.hostname())
                    .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withLabels(spec.labels())
                    .withHostConfig(host)
                    .withAliases(spec.aliases());
            if (!spec.command().isEmpty()) {
                cmd.withCmd(spec.command());
            }
            return cmd.exec().getId();
        });
        startContainer(id);
        return id;
    }

    private static Capability[] capabilities(List<String> names) {
        return names.stream().map(n -> Capability.valueOf(n.toUpperCase())).toArray(Capability[]::new);
    }

    @Override
    public void startContainer(String idOrName) {
        try {
            call("start container " + idOrName, () -> client.startContainerCmd(idOrName).exec());
        } catch (ContainerRuntimeException e) {
            if (!(e.getCause() instanceof NotModifiedException)) {
                throw e;
            }
        }
    }

    @Override
    public void stopContainer(String idOrName, Duration timeout) {
        try {
            call("stop container " + idOrName, () -> client.stopContainerCmd(idOrName)
                    .withTimeout((int) Math.max(0, timeout.toSeconds())).exec());
        } catch (ContainerRuntimeException e) {
            if (!(e.getCause() instanceof NotModifiedException)) {
                throw e;
            }
        }
    }

    @Override
    public void removeContainer(String idOrName) {
        ignoringMissing(() -> call("remove container " + idOrName, () -> client.removeContainerCmd(idOrName)
                .withForce(true).withRemoveVolumes(true).exec()));
    }

    @Override
    public ContainerState inspect(String idOrName) {
        InspectContainerResponse r = call("inspect container " + idOrName,
                () -> client.inspectContainerCmd(idOrName).exec());
        var state = r.getState();
        var host = r.getHostConfig();
        Long exit = state.getExitCodeLong();
        return new ContainerState(r.getId(), r.getName().replaceFirst("^/", ""),
                Boolean.TRUE.equals(state.getRunning()), state.getStatus(), exit == null ? null : exit.intValue(),
                Boolean.TRUE.equals(state.getOOMKilled()),
                host.getMemory() == null ? 0 : host.getMemory(), host.getNanoCPUs() == null ? 0 : host.getNanoCPUs(),
                r.getConfig().getLabels() == null ? Map.of() : r.getConfig().getLabels(),
                host.getPidsLimit() == null ? 0 : host.getPidsLimit());
    }

    @Override
    public ExecResult exec(String idOrName, List<String> argv, Duration timeout) {
        long started = System.nanoTime();
        String execId = call("exec in " + idOrName, () -> client.execCreateCmd(idOrName)
                .withCmd(argv.toArray(String[]::new)).withAttachStdout(true).withAttachStderr(true).exec().getId());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        boolean finished = call("exec in " + idOrName, () -> {
            var callback = client.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    (frame.getStreamType() == StreamType.STDERR ? err : out).writeBytes(frame.getPayload());
                }
            });
            try (callback) {
                return callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerRuntimeException("interrupted while running " + argv + " in " + idOrName);
            } catch (IOException e) {
                return true;
            }
        });
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (!finished) {
            return new ExecResult(-1, text(out), text(err) + "\n(timed out after " + timeout.toSeconds() + " s)", took, true);
        }
        Long exit = call("inspect exec in " + idOrName, () -> client.inspectExecCmd(execId).exec().getExitCodeLong());
        return new ExecResult(exit == null ? -1 : exit.intValue(), text(out), text(err), took, false);
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void execDetached(String idOrName, List<String> argv) {
        String execId = call("exec in " + idOrName, () -> client.execCreateCmd(idOrName)
                .withCmd(argv.toArray(String[]::new)).withAttachStdout(false).withAttachStderr(false).exec().getId());
        call("exec -d in " + idOrName, () -> {
            try {
                return client.execStartCmd(execId).withDetach(true).exec(new ResultCallback.Adapter<Frame>())
                        .awaitCompletion(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerRuntimeException("interrupted while starting " + argv + " in " + idOrName);
            }
        });
    }

    @Override
    public List<LogLine> logs(String idOrName, LogQuery query) {
        LogCollector collector = new LogCollector();
        call("logs of " + idOrName, () -> {
            var cmd = client.logContainerCmd(idOrName).withStdOut(true).withStdErr(true).withTimestamps(true);
            if (query.tail() != null) {
                cmd.withTail(query.tail());
            }
            if (query.since() != null) {
                cmd.withSince((int) Math.min(Integer.MAX_VALUE, query.since()));
            }
            try {
                return cmd.exec(collector).awaitCompletion(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerRuntimeException("interrupted while reading the logs of " + idOrName);
            }
        });
        return collector.lines();
    }

    @Override
    public List<ContainerSummary> listContainers(Map<String, String> labels) {
        return call("list containers", () -> client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec())
                .stream()
                .map(c -> new ContainerSummary(c.getId(),
                        c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", ""),
                        c.getState(), c.getLabels() == null ? Map.of() : c.getLabels()))
                .toList();
    }

    @Override
    public List<NetworkSummary> listNetworks(Map<String, String> labels) {
        var cmd = client.listNetworksCmd();
        if (!labels.isEmpty()) {
            cmd.withFilter("label", labelFilter(labels));
        }
        return call("list networks", cmd::exec).stream()
                .map(n -> new NetworkSummary(n.getId(), n.getName(), subnets(n),
                        n.getLabels() == null ? Map.of() : n.getLabels()))
                .toList();
    }

    private static List<String> subnets(Network network) {
        if (network.getIpam() == null || network.getIpam().getConfig() == null) {
            return List.of();
        }
        return network.getIpam().getConfig().stream().map(Network.Ipam.Config::getSubnet)
                .filter(s -> s != null && !s.isEmpty()).toList();
    }

    @Override
    public List<VolumeSummary> listVolumes(Map<String, String> labels) {
        var cmd = client.listVolumesCmd();
        if (!labels.isEmpty()) {
            cmd.withFilter("label", labelFilter(labels));
        }
        var volumes = call("list volumes", cmd::exec).getVolumes();
        return volumes == null ? List.of() : volumes.stream()
                .map(v -> new VolumeSummary(v.getName(), v.getLabels() == null ? Map.of() : v.getLabels())).toList();
    }

    private static List<String> labelFilter(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private static void ignoringMissing(Runnable action) {
        try {
            action.run();
        } catch (NoSuchContainerException gone) {
            // already removed: cleanup is repeatable
        }
    }

    private void call(String what, Runnable action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    /** Runs one API call and turns docker-java's exceptions into ours, with the daemon's own message. */
    private <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (NotFoundException e) {
            throw new NoSuchContainerException(what + ": " + daemonMessage(e));
        } catch (DockerException e) {
            throw new ContainerRuntimeException(what + ": " + daemonMessage(e), e);
        } catch (ContainerRuntimeException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof IOException)) {
                cause = cause.getCause();
            }
            if (cause != null) {
                throw new ContainerRuntimeUnavailableException("Docker is not reachable at " + endpoint + " ("
                        + cause.getClass().getSimpleName() + ": " + cause.getMessage() + "); start it with .ci/docker-up.sh", e);
            }
            throw new ContainerRuntimeException(what + ": " + e.getMessage(), e);
        }
    }

    private static String daemonMessage(DockerException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        Matcher m = DAEMON_MESSAGE.matcher(text);
        return m.find() ? m.group(1).replace("\\\"", "\"") : text.strip();
    }

    /** Splits docker's multiplexed, timestamped log frames into lines per stream. */
    private static final class LogCollector extends ResultCallback.Adapter<Frame> {
        private final List<LogLine> lines = new ArrayList<>();
        private final StringBuilder stdout = new StringBuilder();
        private final StringBuilder stderr = new StringBuilder();

        @Override
        public synchronized void onNext(Frame frame) {
            boolean isErr = frame.getStreamType() == StreamType.STDERR;
            StringBuilder buffer = isErr ? stderr : stdout;
            buffer.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            int nl;
            while ((nl = buffer.indexOf("\n")) >= 0) {
                add(isErr ? "stderr" : "stdout", buffer.substring(0, nl));
                buffer.delete(0, nl + 1);
            }
        }

        private void add(String stream, String raw) {
            int space = raw.indexOf(' ');
            String ts = space > 0 ? raw.substring(0, space) : "";
            String line = space > 0 ? raw.substring(space + 1) : raw;
            lines.add(new LogLine(ts, stream, line.endsWith("\r") ? line.substring(0, line.length() - 1) : line));
        }

        synchronized List<LogLine> lines() {
            if (!stdout.isEmpty()) {
                add("stdout", stdout.toString());
            }
            if (!stderr.isEmpty()) {
                add("stderr", stderr.toString());
            }
            stdout.setLength(0);
            stderr.setLength(0);
            return List.copyOf(lines);
        }
    }
}
