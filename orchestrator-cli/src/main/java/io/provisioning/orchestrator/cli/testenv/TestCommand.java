package io.provisioning.orchestrator.cli.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.CommandGroup;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code provisioning test quick|env|topology}: the Test Environment Service. */
@Command(name = "test", description = "Tests taskservs in throwaway containers.",
        subcommands = {EnvCommand.class, TopologyCommand.class})
public final class TestCommand extends CommandGroup {
    private final Session session;

    TestCommand(Session session) {
        this.session = session;
    }

    @Command(name = "quick", description = {"Tests one taskserv end to end: create an environment, run its checks, "
            + "remove it.", "Exits 0 when every check passed, 1 otherwise."})
    int quick(@Parameters(paramLabel = "TASKSERV") String taskserv, @Mixin Resources resources,
            @Option(names = "--infra", paramLabel = "NAME", description = "infra whose settings the taskserv uses")
            String infra,
            @Option(names = "--keep", description = "keep the environment afterwards (to look at it)") boolean keep) {
        Environments environments = new Environments(session);
        ObjectNode config = OrchestratorClient.JSON.createObjectNode();
        config.put("type", "single_taskserv");
        config.put("taskserv", taskserv);
        resources.applyTo(config);
        EnvOptions options = new EnvOptions();
        options.infra = infra;
        options.autoStart = true;
        options.autoCleanup = false;
        String id = environments.create(config, options);
        try {
            JsonNode environment = environments.settle(id);
            if (environment == null) {
                throw new CliException.OperationFailed("environment " + id + " disappeared before its checks ran");
            }
            if ("Failed".equals(environment.path("status").asText())) {
                throw new CliException.OperationFailed("environment " + id + " for " + taskserv + " failed to start: "
                        + environment.path("error").asText("see 'provisioning test env logs " + id + "'"));
            }
            return new Results(session).report(id, environments.run(id));
        } finally {
            if (!keep) {
                try {
                    environments.cleanup(id);
                } catch (CliException e) {
                    session.err().println("provisioning: could not remove environment " + id + ": " + e.getMessage());
                }
            }
        }
    }
}
