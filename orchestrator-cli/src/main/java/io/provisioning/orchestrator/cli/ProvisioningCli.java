package io.provisioning.orchestrator.cli;

import io.provisioning.orchestrator.cli.server.HealthCommand;
import io.provisioning.orchestrator.cli.server.ServeCommand;
import io.provisioning.orchestrator.cli.storage.StorageCommand;
import io.provisioning.orchestrator.cli.task.TaskCommand;
import io.provisioning.orchestrator.cli.testenv.TestCommand;
import io.provisioning.orchestrator.cli.workflow.WorkflowCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code provisioning}: the one executable for the orchestrator's users. */
@Command(name = "provisioning", mixinStandardHelpOptions = true, versionProvider = ProvisioningCli.Version.class,
        scope = CommandLine.ScopeType.INHERIT, // --help, --version and the exit-code footer on every command
        description = "Submits workflows to the provisioning orchestrator, follows tasks and runs test environments.",
        footer = {"", ExitCodes.HELP, "", "Environment: PROVISIONING_URL, PROVISIONING_TOKEN; CI=true or a pipe gives plain progress lines."},
        subcommands = {
            WorkflowCommand.class, TaskCommand.class, TestCommand.class, HealthCommand.class,
            StorageCommand.class, NotInThisBuild.Auth.class, ServeCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ProvisioningCli extends CommandGroup {
    /** {@code --version}: the CLI's build version (the server's is {@code GET /version}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"provisioning " + io.provisioning.orchestrator.OrchestratorVersion.current()};
        }
    }

    @Mixin
    GlobalOptions global;

    public static void main(String[] args) {
        System.exit(run(Session.ofProcess(), args));
    }

    /** Runs one command line and returns its exit code; never calls {@code System.exit}. */
    public static int run(Session session, String... args) {
        return commandLine(session).execute(args);
    }

    public static CommandLine commandLine(Session session) {
        CommandLine cli = new CommandLine(ProvisioningCli.class, new SessionFactory(session));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(new PrintWriter(session.out(), true));
        cli.setErr(new PrintWriter(session.err(), true));
        cli.setExecutionStrategy(parseResult -> {
            session.use(((ProvisioningCli) parseResult.commandSpec().userObject()).global);
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setParameterExceptionHandler((e, args) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            session.err().println("provisioning: " + OneLine.of(e.getMessage()) + " (see '" + command + " --help')");
            return ExitCodes.BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException failure) {
                session.err().println("provisioning: " + OneLine.of(failure.getMessage()));
                return failure.exitCode();
            }
            session.err().println("provisioning: unexpected error: " + OneLine.of(e.toString()));
            if (session.env().containsKey("PROVISIONING_DEBUG")) {
                e.printStackTrace(session.err());
            }
            return ExitCodes.FAILED;
        });
        return cli;
    }
}
