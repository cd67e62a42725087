package io.provisioning.orchestrator.cli.storage;

import io.provisioning.orchestrator.cli.CommandGroup;
import picocli.CommandLine.Command;

/** {@code provisioning storage migrate|status}. */
@Command(name = "storage", description = "Storage backends and migration between them.",
        subcommands = {MigrateCommand.class, StatusCommand.class})
public final class StorageCommand extends CommandGroup {
}
