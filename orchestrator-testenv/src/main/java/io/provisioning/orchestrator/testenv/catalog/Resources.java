package io.provisioning.orchestrator.testenv.catalog;

import io.provisioning.orchestrator.InvalidRequestException;

/** A node's limits: {@code cpu_millicores} (1000 = one CPU) and {@code memory_mb}. */
public record Resources(Integer cpuMillicores, Integer memoryMb) {
    public static final int MIN_CPU = 50;
    public static final int MAX_CPU = 16_000;
    public static final int MIN_MEMORY = 16;
    public static final int MAX_MEMORY = 65_536;
    /** Memory of a node whose request and catalog give none: every container gets a limit. */
    public static final int DEFAULT_MEMORY_MB = 1024;
    /** Processes a container may have at once (Docker's PidsLimit), so a fork bomb stays inside it. */
    public static final long DEFAULT_PIDS_LIMIT = 1024;

    /** Fields set here win; the rest come from {@code fallback}. */
    public Resources orElse(Resources fallback) {
        if (fallback == null) {
            return this;
        }
        return new Resources(cpuMillicores != null ? cpuMillicores : fallback.cpuMillicores,
                memoryMb != null ? memoryMb : fallback.memoryMb);
    }

    public Resources validated(String where) {
        if (cpuMillicores != null && (cpuMillicores < MIN_CPU || cpuMillicores > MAX_CPU)) {
            throw new InvalidRequestException(where + ".cpu_millicores must be from " + MIN_CPU + " to " + MAX_CPU
                    + "; got " + cpuMillicores);
        }
        if (memoryMb != null && (memoryMb < MIN_MEMORY || memoryMb > MAX_MEMORY)) {
            throw new InvalidRequestException(where + ".memory_mb must be from " + MIN_MEMORY + " to " + MAX_MEMORY
                    + "; got " + memoryMb);
        }
        return this;
    }

    public long nanoCpus() {
        return cpuMillicores == null ? 0 : cpuMillicores * 1_000_000L;
    }

    public long memoryBytes() {
        return memoryMb == null ? 0 : memoryMb * 1024L * 1024L;
    }
}
