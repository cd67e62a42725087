package io.provisioning.orchestrator.cli.testenv;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** Container limits and the base image of a single-taskserv or server-simulation environment. */
public final class Resources {
    @Option(names = "--base-image", paramLabel = "IMAGE", description = "image the container starts from")
    String baseImage;

    @Option(names = "--cpu-millicores", paramLabel = "M", description = "CPU limit, 1000 = one core")
    Integer cpuMillicores;

    @Option(names = "--memory-mb", paramLabel = "MB", description = "memory limit")
    Integer memoryMb;

    void applyTo(ObjectNode config) {
        if (baseImage != null) {
            config.put("base_image", baseImage);
        }
        if (cpuMillicores != null || memoryMb != null) {
            ObjectNode resources = config.putObject("resources");
            if (cpuMillicores != null) {
                resources.put("cpu_millicores", cpuMillicores);
            }
            if (memoryMb != null) {
                resources.put("memory_mb", memoryMb);
            }
        }
    }
}
