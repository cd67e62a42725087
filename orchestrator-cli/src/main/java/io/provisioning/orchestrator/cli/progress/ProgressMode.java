package io.provisioning.orchestrator.cli.progress;

/** {@code --progress}: {@code auto} draws a bar only on a terminal outside CI. */
public enum ProgressMode {
    auto,
    bar,
    plain
}
