package io.provisioning.orchestrator.testenv.catalog;

import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.ExecResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** What a check's command must show; every key given must hold. */
public record Expectation(Integer exitCode, String stdoutContains, String outputContains) {

    public Expectation resolved(UnaryOperator<String> placeholders) {
        return new Expectation(exitCode, stdoutContains == null ? null : placeholders.apply(stdoutContains),
                outputContains == null ? null : placeholders.apply(outputContains));
    }

    /** The reasons the result misses this expectation; empty when it passes. */
    public List<String> misses(ExecResult result) {
        List<String> misses = new ArrayList<>();
        if (result.timedOut()) {
            misses.add("timed out");
        }
        int wantedExit = exitCode == null ? 0 : exitCode;
        if (result.exitCode() != wantedExit) {
            misses.add("exit code " + result.exitCode() + ", expected " + wantedExit);
        }
        if (stdoutContains != null && !result.stdout().contains(stdoutContains)) {
            misses.add("stdout lacks \"" + stdoutContains + "\"");
        }
        if (outputContains != null && !result.output().contains(outputContains)) {
            misses.add("output lacks \"" + outputContains + "\"");
        }
        return misses;
    }
}
