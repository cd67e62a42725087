package io.provisioning.orchestrator.cli.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code provisioning ui}: the address of the web console the orchestrator serves, once it answers. */
@Command(name = "ui", description = "Prints the address of the orchestrator's web console (<url>/ui/), after checking the orchestrator answers.")
public final class UiCommand implements Callable<Integer> {
    private final Session session;

    UiCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        session.client().get("/health"); // unreachable: exit 3 with one line, like every command
        String url = consoleUrl(session.client().baseUrl());
        if (session.printer().isJson()) {
            session.printer().json(JsonNodeFactory.instance.objectNode().put("url", url));
        } else {
            session.printer().line(url);
        }
        return ExitCodes.OK;
    }

    static String consoleUrl(String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + "/ui/";
    }
}
