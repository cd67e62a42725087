package io.provisioning.orchestrator.cli.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.cli.CommandGroup;
import io.provisioning.orchestrator.cli.Session;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code provisioning workflow servers|taskserv|cluster create ...}: the compat workflow POSTs. */
@Command(name = "workflow", description = "Submits a workflow; prints its task id, or follows it with --wait.",
        subcommands = {WorkflowCommand.Servers.class, WorkflowCommand.Taskserv.class, WorkflowCommand.Cluster.class})
public final class WorkflowCommand extends CommandGroup {

    @Command(name = "servers", description = "Creates or deletes servers.")
    static final class Servers extends CommandGroup {
        private final Submitter submitter;

        Servers(Session session) {
            this.submitter = new Submitter(session);
        }

        @Command(name = "create", description = "POST /workflows/servers/create")
        int create(@Mixin WorkflowOptions options,
                @Parameters(paramLabel = "SERVER", arity = "1..*", description = "server names") List<String> servers) {
            return submit("create", options, servers);
        }

        @Command(name = "delete", description = "POST /workflows/servers/create with operation delete")
        int delete(@Mixin WorkflowOptions options,
                @Parameters(paramLabel = "SERVER", arity = "1..*", description = "server names") List<String> servers) {
            return submit("delete", options, servers);
        }

        private int submit(String operation, WorkflowOptions options, List<String> servers) {
            ObjectNode body = options.body();
            body.set("servers", WorkflowOptions.names(servers));
            return submitter.submit("servers", operation, body, options);
        }
    }

    @Command(name = "taskserv", description = "Installs or removes a taskserv (postgres, etcd, kubernetes, ...).")
    static final class Taskserv extends CommandGroup {
        private final Submitter submitter;

        Taskserv(Session session) {
            this.submitter = new Submitter(session);
        }

        @Command(name = "create", description = "POST /workflows/taskserv/create")
        int create(@Mixin WorkflowOptions options,
                @Parameters(index = "0", paramLabel = "TASKSERV") String taskserv,
                @Parameters(index = "1..*", paramLabel = "SERVER", description = "servers (default: all of the infra)")
                List<String> servers) {
            return submit("create", options, taskserv, servers);
        }

        @Command(name = "delete", description = "POST /workflows/taskserv/create with operation delete")
        int delete(@Mixin WorkflowOptions options,
                @Parameters(index = "0", paramLabel = "TASKSERV") String taskserv,
                @Parameters(index = "1..*", paramLabel = "SERVER", description = "servers (default: all of the infra)")
                List<String> servers) {
            return submit("delete", options, taskserv, servers);
        }

        private int submit(String operation, WorkflowOptions options, String taskserv, List<String> servers) {
            ObjectNode body = options.body();
            body.put("taskserv", taskserv);
            if (servers != null && !servers.isEmpty()) {
                body.set("servers", WorkflowOptions.names(servers));
            }
            return submitter.submit("taskserv", operation, body, options);
        }
    }

    @Command(name = "cluster", description = "Creates a cluster (kubernetes, etcd, ...).")
    static final class Cluster extends CommandGroup {
        private final Submitter submitter;

        Cluster(Session session) {
            this.submitter = new Submitter(session);
        }

        @Command(name = "create", description = "POST /workflows/cluster/create")
        int create(@Mixin WorkflowOptions options, @Parameters(paramLabel = "CLUSTER_TYPE") String clusterType) {
            ObjectNode body = options.body();
            body.put("cluster_type", clusterType);
            return submitter.submit("cluster", "create", body, options);
        }
    }
}
