package io.provisioning.orchestrator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one line that says where figures were taken: cores, JDK, OS, and the data dir's filesystem. */
final class Machine {
    private Machine() {}

    static String describe(Path dataRoot) {
        String fs;
        try {
            Files.createDirectories(dataRoot);
            fs = Files.getFileStore(dataRoot).type();
        } catch (IOException e) {
            fs = "?";
        }
        return String.format("machine: %d cores (nproc), JDK %s (%s), %s %s, data dir %s on %s, max heap %d MiB",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.version"), dataRoot, fs,
                Runtime.getRuntime().maxMemory() >> 20);
    }

    /** The 1, 5 and 15 minute load averages as /proc/loadavg has them, or "?" elsewhere. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
