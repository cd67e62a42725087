package io.provisioning.orchestrator.cli.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code provisioning storage migrate --online}: asks the running orchestrator to move its live
 * store ({@code POST /storage/migrations}) and follows {@code GET /storage/migrations/current}
 * until it has switched (exit 0) or failed (exit 1, the old store stays live).
 */
final class OnlineMigrate {
    private static final Duration POLL = Duration.ofMillis(250);
    private final Session session;

    OnlineMigrate(Session session) {
        this.session = session;
    }

    /** Returns the final status: state SWITCHED; a FAILED one is thrown as {@link CliException.OperationFailed}. */
    JsonNode run(StoreLocation to, int batchSize, MigrationProgressView progress) {
        if (to.type() == null || to.type().isBlank()) {
            throw new CliException.BadInput("--to is required");
        }
        ObjectNode body = OrchestratorClient.JSON.createObjectNode();
        to.asRequest().forEach((k, v) -> body.put(k, String.valueOf(v)));
        if (to.dataDir() != null) {
            body.put("data_dir", to.dataDir().toAbsolutePath().normalize().toString()); // the server's cwd is not ours
        }
        body.put("batch_size", batchSize);
        OrchestratorClient client = session.client();
        JsonNode status = client.post("/storage/migrations", body);
        while (!finished(status)) {
            show(status, progress);
            sleep();
            status = client.get("/storage/migrations/current");
        }
        show(status, progress);
        progress.finish();
        if (status.path("state").asText().equals("FAILED")) {
            throw new CliException.OperationFailed("online migration from " + status.path("from").asText() + " to "
                    + status.path("to").asText() + " failed: " + status.path("error").asText());
        }
        return status;
    }

    private static void show(JsonNode status, MigrationProgressView progress) {
        String state = status.path("state").asText().toLowerCase(Locale.ROOT);
        long total = status.path("total").asLong();
        if (state.equals("copying") && total == 0) {
            return; // not counted yet
        }
        if (state.equals("copying") || state.equals("verifying") || state.equals("switched")) {
            progress.update(state, Math.min(status.path("copied").asLong(), total), total);
        }
    }

    private static boolean finished(JsonNode status) {
        String state = status.path("state").asText();
        return state.equals("SWITCHED") || state.equals("FAILED");
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException.Unavailable("interrupted while following the migration; it goes on in the orchestrator "
                    + "(provisioning storage status)");
        }
    }
}
