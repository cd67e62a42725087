package io.provisioning.orchestrator.execution;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Ends a process and everything it started: TERM to all, then KILL to whatever is left after a grace period. */
public final class ProcessTree {
    private ProcessTree() {}

    public static void terminate(Process process, Duration grace) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (Exception timedOutOrInterrupted) {
                // fall through to KILL
            }
        }
        // descendants may have started more children meanwhile: take a fresh look before killing
        List<ProcessHandle> survivors = new java.util.ArrayList<>(process.descendants().toList());
        survivors.addAll(tree);
        survivors.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
