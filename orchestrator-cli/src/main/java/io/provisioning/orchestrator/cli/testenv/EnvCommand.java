package io.provisioning.orchestrator.cli.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.CommandGroup;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import io.provisioning.orchestrator.cli.workflow.Words;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code provisioning test env ...}: create, inspect, run and remove test environments. */
@Command(name = "env", description = "Test environments: containers that run taskservs and check them.")
public final class EnvCommand extends CommandGroup {
    private final Session session;
    private final Environments environments;

    EnvCommand(Session session) {
        this.session = session;
        this.environments = new Environments(session);
    }

    @Command(name = "single", description = "One container with one taskserv.")
    int single(@Parameters(paramLabel = "TASKSERV") String taskserv, @Mixin EnvOptions options,
            @Mixin Resources resources,
            @Option(names = "--env", paramLabel = "KEY=VALUE", description = "environment variable for the taskserv")
            Map<String, String> environment) {
        ObjectNode config = config("single_taskserv");
        config.put("taskserv", taskserv);
        resources.applyTo(config);
        if (environment != null && !environment.isEmpty()) {
            ObjectNode env = config.putObject("environment");
            environment.forEach(env::put);
        }
        return createAndShow(config, options);
    }

    @Command(name = "server", description = "One container simulating a server with several taskservs, installed in order.")
    int server(@Parameters(index = "0", paramLabel = "NAME") String name,
            @Parameters(index = "1..*", arity = "1..*", paramLabel = "TASKSERV",
                    description = "taskservs; [a b c] is accepted as in Nushell") List<String> taskservs,
            @Mixin EnvOptions options, @Mixin Resources resources) {
        ObjectNode config = config("server_simulation");
        config.put("server_name", name);
        ArrayNode list = config.putArray("taskservs");
        Words.unbracket(taskservs).forEach(list::add);
        if (list.isEmpty()) {
            throw new CliException.BadInput("name at least one taskserv for server " + name);
        }
        resources.applyTo(config);
        return createAndShow(config, options);
    }

    @Command(name = "cluster", description = "One container per node of a topology, on the environment's own network.")
    int cluster(@Parameters(paramLabel = "CLUSTER_TYPE") String clusterType, @Mixin EnvOptions options,
            @Option(names = "--topology", paramLabel = "TEMPLATE",
                    description = {"a template name (see 'test topology list'), a JSON file, or - for JSON on stdin;",
                        "default: the one template whose cluster_type is CLUSTER_TYPE"})
            String topology) {
        ObjectNode config = config("cluster_topology");
        config.put("cluster_type", clusterType);
        Topologies topologies = new Topologies(session);
        config.set("topology", topologies.resolve(topology != null ? topology : topologies.nameFor(clusterType)));
        return createAndShow(config, options);
    }

    @Command(name = "list", description = "Lists test environments.")
    int list() {
        session.printer().list(environments.list(), EnvironmentViews.LIST, "no test environments");
        return ExitCodes.OK;
    }

    @Command(name = "status", description = "Shows an environment: containers, network, status, last results.")
    int status(@Parameters(paramLabel = "ENV_ID") String id) {
        JsonNode environment = environments.get(id);
        EnvironmentViews.show(session.printer(), environment);
        EnvironmentViews.requireSuccess(environment);
        return ExitCodes.OK;
    }

    @Command(name = "run", description = "Runs the environment's checks; exits 1 if one fails.")
    int run(@Parameters(paramLabel = "ENV_ID") String id) {
        JsonNode answer = environments.run(id);
        return new Results(session).report(id, answer);
    }

    @Command(name = "logs", description = "Prints the logs of the environment's containers.")
    int logs(@Parameters(paramLabel = "ENV_ID") String id) {
        new ContainerLogs(session.printer()).print(environments.logs(id));
        return ExitCodes.OK;
    }

    @Command(name = "cleanup", description = "Removes the environment's containers and network.")
    int cleanup(@Parameters(paramLabel = "ENV_ID") String id) {
        JsonNode answer = environments.cleanup(id);
        if (session.printer().isJson()) {
            session.printer().json(answer);
        } else {
            session.printer().line("environment " + id + " removed");
        }
        return ExitCodes.OK;
    }

    @Command(name = "prune", description = {"Removes the managed containers, networks and volumes on the daemon whose",
            "owning data dir no longer exists or whose environment is gone, saying what it removed (admin)."})
    int prune() {
        JsonNode removed = environments.prune();
        if (session.printer().isJson()) {
            session.printer().json(removed);
            return ExitCodes.OK;
        }
        if (removed.isEmpty()) {
            session.printer().line("nothing to prune");
        }
        for (JsonNode thing : removed) {
            session.printer().line("removed " + thing.path("kind").asText() + " " + thing.path("name").asText()
                    + " of environment " + thing.path("environment").asText() + ": " + thing.path("reason").asText());
        }
        return ExitCodes.OK;
    }

    private int createAndShow(ObjectNode config, EnvOptions options) {
        String id = environments.create(config, options);
        JsonNode environment = options.autoStart ? environments.settle(id) : environments.get(id);
        if (environment == null) {
            if (session.printer().isJson()) {
                ObjectNode gone = OrchestratorClient.JSON.createObjectNode();
                gone.put("id", id);
                gone.put("status", "CleanedUp");
                session.printer().json(gone);
            } else {
                session.printer().line("environment " + id + " ran and was cleaned up");
            }
            return ExitCodes.OK;
        }
        EnvironmentViews.show(session.printer(), environment);
        EnvironmentViews.requireSuccess(environment);
        return ExitCodes.OK;
    }

    private static ObjectNode config(String type) {
        ObjectNode config = OrchestratorClient.JSON.createObjectNode();
        config.put("type", type);
        return config;
    }
}
