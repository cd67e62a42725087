package io.provisioning.orchestrator.cli.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.ExitCodes;
import io.provisioning.orchestrator.cli.Session;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import io.provisioning.orchestrator.cli.task.TaskWatch;
import java.util.Map;

/** Posts a workflow body, prints the task id, and with {@code --wait} follows the task to its end. */
final class Submitter {
    private final Session session;

    Submitter(Session session) {
        this.session = session;
    }

    int submit(String kind, String operation, ObjectNode body, WorkflowOptions options) {
        body.put("operation", operation);
        Map<String, String> headers = options.idempotencyKey == null ? Map.of()
                : Map.of("Idempotency-Key", options.idempotencyKey);
        JsonNode data = session.client().post("/workflows/" + kind + "/create", body, headers);
        String taskId = data.isTextual() ? data.asText() : data.path("id").asText("");
        if (taskId.isEmpty()) {
            throw new CliException.Unavailable("the orchestrator accepted the workflow but sent no task id");
        }
        if (options.waitForEnd) {
            return new TaskWatch(session).watch(taskId, options.logs);
        }
        if (session.printer().isJson()) {
            ObjectNode result = OrchestratorClient.JSON.createObjectNode();
            result.put("task_id", taskId);
            session.printer().json(result);
        } else {
            session.printer().line(taskId);
        }
        return ExitCodes.OK;
    }
}
