package io.provisioning.orchestrator.cli.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** The test environment endpoints (SPEC §6), and waiting for an environment to settle. */
final class Environments {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    /** States an environment passes through on its own; waiting stops at any other. */
    private static final Set<String> BUSY = Set.of("Creating", "Running", "Pending", "Starting");

    private final Session session;

    Environments(Session session) {
        this.session = session;
    }

    /** POST /test/environments/create; returns the new environment's id. */
    String create(ObjectNode config, EnvOptions options) {
        ObjectNode body = OrchestratorClient.JSON.createObjectNode();
        body.set("config", config);
        if (options.infra != null) {
            body.put("infra", options.infra);
        }
        body.put("auto_start", options.autoStart);
        body.put("auto_cleanup", options.autoCleanup);
        JsonNode data = session.client().post("/test/environments/create", body);
        String id = data.isTextual() ? data.asText()
                : data.path("id").asText(data.path("environment_id").asText(data.path("env_id").asText("")));
        if (id.isEmpty()) {
            throw new CliException.Unavailable("the orchestrator created an environment but sent no id");
        }
        return id;
    }

    JsonNode get(String id) {
        return session.client().get(path(id));
    }

    JsonNode list() {
        return session.client().get("/test/environments");
    }

    JsonNode run(String id) {
        return session.client().post(path(id) + "/run", null);
    }

    JsonNode logs(String id) {
        return session.client().get(path(id) + "/logs");
    }

    /** POST /test/environments/prune: the list of what was removed. */
    JsonNode prune() {
        return session.client().post("/test/environments/prune", OrchestratorClient.JSON.createObjectNode())
                .path("removed");
    }

    JsonNode cleanup(String id) {
        return session.client().delete(path(id));
    }

    /**
     * Polls until the environment is no longer busy (Creating, Running) and returns it; null when
     * it went away meanwhile (an auto-cleanup). Status changes are reported on stderr.
     */
    JsonNode settle(String id) {
        String last = "";
        Instant start = Instant.now();
        while (true) {
            JsonNode environment;
            try {
                environment = get(id);
            } catch (CliException.NotFound e) {
                return null;
            }
            String status = environment.path("status").asText("");
            // a change is worth a line; an environment already settled at the first look (e.g. Failed at
            // creation) is not, its outcome is the one line that follows
            if (!status.equals(last) && !(last.isEmpty() && !BUSY.contains(status))) {
                session.err().println("environment " + id + " " + status + " ("
                        + Duration.between(start, Instant.now()).toSeconds() + "s)");
                last = status;
            }
            if (!BUSY.contains(status)) {
                return environment;
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException.OperationFailed("interrupted while waiting for environment " + id);
            }
        }
    }

    static String path(String id) {
        return "/test/environments/" + OrchestratorClient.segment(id.strip());
    }
}
