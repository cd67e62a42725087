package io.provisioning.orchestrator.testenv.docker;

import java.util.Map;

/** Which Docker daemon to talk to: the flag, else {@code DOCKER_HOST}, else the local unix socket. */
public final class DockerHost {
    public static final String DEFAULT = "unix:///var/run/docker.sock";

    private DockerHost() {}

    public static String resolve(String flag, Map<String, String> environment) {
        if (flag != null && !flag.isBlank()) {
            return flag.trim();
        }
        String fromEnv = environment.get("DOCKER_HOST");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        return DEFAULT;
    }
}
