package io.provisioning.orchestrator.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code provisioning health}: is the orchestrator up and its storage reachable? */
@Command(name = "health", description = "Checks that the orchestrator answers and its storage works.")
public final class HealthCommand implements Callable<Integer> {
    private final Session session;

    HealthCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        JsonNode data = session.client().get("/health");
        if (session.printer().isJson()) {
            session.printer().json(data);
        } else {
            session.printer().line(data.asText() + " (" + session.client().baseUrl() + ")");
        }
        return ExitCodes.OK;
    }
}
