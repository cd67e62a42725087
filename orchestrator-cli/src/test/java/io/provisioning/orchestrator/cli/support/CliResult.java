package io.provisioning.orchestrator.cli.support;

import java.util.List;

/** What one CLI run left behind: its exit code and everything it wrote. */
public record CliResult(int exitCode, String out, String err) {
    public List<String> errLines() {
        return err.lines().toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
