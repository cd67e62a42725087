package io.provisioning.orchestrator.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The fields of {@code /proc/<pid>/stat} a process tree is known by. */
record ProcStat(long pid, char state, long ppid, long pgid, long sid, long startTicks) {

    /** Empty when the process is gone (or this is not Linux). */
    static Optional<ProcStat> of(long pid) {
        String line;
        try {
            line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        // the command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'
        int close = line.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] f = line.substring(close + 2).trim().split(" ");
        if (f.length < 20) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[19])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    boolean isZombie() {
        return state == 'Z' || state == 'X';
    }
}
