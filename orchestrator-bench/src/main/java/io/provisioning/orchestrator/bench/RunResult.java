package io.provisioning.orchestrator.bench;

/**
 * One measured throughput run.
 *
 * @param submitSeconds  from the first submission to the last one acknowledged
 * @param totalSeconds   from the first submission to the last task Completed
 * @param startLatency   submit-to-start latencies in microseconds, one per task
 * @param requestLatency HTTP request round trips in microseconds (empty for the engine-only runs)
 * @param cpuSeconds     CPU time the whole JVM used meanwhile (all threads, client included)
 */
record RunResult(int tasks, double submitSeconds, double totalSeconds, long[] startLatency, long[] requestLatency,
        double cpuSeconds) {

    /** CPU time of this JVM so far, in seconds. */
    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** How many cores the JVM kept busy on average over the run. */
    double coresBusy() {
        return cpuSeconds / totalSeconds;
    }

    double submittedPerSecond() {
        return tasks / submitSeconds;
    }

    double completedPerSecond() {
        return tasks / totalSeconds;
    }
}
