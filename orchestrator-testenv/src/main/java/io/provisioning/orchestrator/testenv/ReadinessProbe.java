package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.testenv.docker.ContainerRuntime;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.ExecResult;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.LogLine;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.LogQuery;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Polls a readiness command with docker exec until it exits 0; gives up early when the container dies. */
final class ReadinessProbe {
    private final ContainerRuntime runtime;

    ReadinessProbe(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    void await(String container, String what, List<String> argv, Duration interval, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        for (int attempt = 1; ; attempt++) {
            boolean refused = false;
            try {
                ExecResult result = runtime.exec(container, argv, Duration.ofSeconds(10));
                if (result.exitCode() == 0) {
                    return;
                }
                last = result.output().strip();
            } catch (ContainerRuntimeException e) {
                last = e.getMessage();
                refused = true;
            }
            // a failed probe is usual while starting; whether the container died is asked when docker
            // refused the exec, every 5th attempt, and at the deadline
            boolean ask = refused || attempt % 5 == 0 || System.nanoTime() > deadline;
            var state = ask ? runtime.inspect(container) : null;
            if (state != null && !state.running()) {
                throw new ProvisioningException(what + " stopped before it was ready (exit code " + state.exitCode()
                        + (state.oomKilled() ? ", killed for using more memory than its limit" : "")
                        + "); its last log lines:\n" + tail(container));
            }
            if (System.nanoTime() > deadline) {
                throw new ProvisioningException(what + " was not ready after " + timeout.toSeconds() + " s; "
                        + String.join(" ", argv) + " said: " + (last.isEmpty() ? "(nothing)" : last));
            }
            Thread.sleep(interval);
        }
    }

    private String tail(String container) {
        try {
            return runtime.logs(container, new LogQuery(20, null)).stream().map(LogLine::line)
                    .collect(Collectors.joining("\n"));
        } catch (ContainerRuntimeException e) {
            return "(logs unavailable: " + e.getMessage() + ")";
        }
    }
}
