package io.provisioning.orchestrator.cli.testenv;

import picocli.CommandLine.Option;

/** The create-body fields every kind of environment shares. */
public final class EnvOptions {
    @Option(names = "--infra", paramLabel = "NAME", description = "infra whose settings the taskservs use")
    String infra;

    @Option(names = "--auto-start", description = "start the environment as soon as it is created")
    boolean autoStart;

    @Option(names = "--auto-cleanup", description = "remove the environment after its checks ran")
    boolean autoCleanup;
}
