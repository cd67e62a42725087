package io.provisioning.orchestrator.cli.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.render.Fields;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code provisioning storage status}: the orchestrator's live backend and its online migration, if any. */
@Command(name = "status", description = "Shows the running orchestrator's storage backend and its online migration, if any.")
public final class StatusCommand implements Callable<Integer> {
    private final Session session;

    StatusCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        JsonNode storage = session.client().get("/storage");
        if (session.printer().isJson()) {
            session.printer().json(storage);
            return ExitCodes.OK;
        }
        session.printer().line("backend:    " + storage.path("store").asText(storage.path("type").asText()));
        JsonNode m = storage.path("migration");
        if (m.isObject()) {
            String line = m.path("state").asText() + " " + m.path("from").asText() + " -> " + m.path("to").asText() + ", "
                    + m.path("copied").asLong() + "/" + m.path("total").asLong() + " tasks copied, started "
                    + Fields.time(m.path("started_at"));
            if (!m.path("finished_at").isNull() && !m.path("finished_at").isMissingNode()) {
                line += ", ended " + Fields.time(m.path("finished_at"));
            }
            session.printer().line("migration:  " + line);
            if (m.hasNonNull("error")) {
                session.printer().line("error:      " + m.path("error").asText());
            }
            if (m.hasNonNull("target_digest")) {
                session.printer().line("verified:   content digest " + m.path("target_digest").asText() + " on both sides");
            }
        } else {
            session.printer().line("migration:  none since the orchestrator started");
        }
        if (storage.hasNonNull("warning")) {
            session.printer().line("warning:    " + storage.path("warning").asText());
        }
        return ExitCodes.OK;
    }
}
