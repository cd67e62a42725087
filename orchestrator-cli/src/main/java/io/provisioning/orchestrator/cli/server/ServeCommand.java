package io.provisioning.orchestrator.cli.server;

import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code provisioning serve [server options]}: starts the orchestrator through {@code bin/orchestrator}
 * (which finds a JDK and Nushell). {@code bin/provisioning} does this itself without starting Java first.
 */
@Command(name = "serve", description = {"Starts the orchestrator server; every option is passed to bin/orchestrator.",
    "  e.g. provisioning serve --port 8080 --data-dir ./data"})
public final class ServeCommand implements Callable<Integer> {
    private final Session session;

    @Unmatched
    List<String> serverArgs = new ArrayList<>();

    ServeCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() throws InterruptedException {
        String home = System.getProperty("provisioning.home", session.env().get("ORCHESTRATOR_HOME"));
        if (home == null) {
            throw new CliException.BadInput("serve needs to know where the orchestrator is installed; "
                    + "run it as bin/provisioning serve or set ORCHESTRATOR_HOME");
        }
        Path script = Path.of(home, "bin", "orchestrator");
        if (!Files.isExecutable(script)) {
            throw new CliException.BadInput("serve: " + script + " is missing or not executable");
        }
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(serverArgs);
        try {
            Process server = new ProcessBuilder(command).inheritIO().start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
            return server.waitFor();
        } catch (IOException e) {
            throw new CliException.BadInput("serve: cannot start " + script + ": " + e.getMessage());
        }
    }
}
