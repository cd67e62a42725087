package io.provisioning.orchestrator.cli.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;

/** Prints check results; the exit code says whether all of them passed. */
final class Results {
    private final Session session;

    Results(Session session) {
        this.session = session;
    }

    int report(String environmentId, JsonNode answer) {
        JsonNode results = EnvironmentViews.results(answer);
        if (session.printer().isJson()) {
            session.printer().json(answer);
        } else {
            session.printer().list(results, EnvironmentViews.RESULTS, "no checks ran");
        }
        if (!results.isArray()) {
            return ExitCodes.OK;
        }
        long failed = 0;
        for (JsonNode result : results) {
            if (!result.path("passed").asBoolean(false)) {
                failed++;
            }
        }
        if (failed > 0) {
            throw new CliException.OperationFailed(failed + " of " + results.size() + " checks failed in environment "
                    + environmentId);
        }
        return ExitCodes.OK;
    }
}
