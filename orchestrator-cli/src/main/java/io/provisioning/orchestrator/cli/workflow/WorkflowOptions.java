package io.provisioning.orchestrator.cli.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The fields every workflow body shares (SPEC §2), as options. */
public final class WorkflowOptions {
    @Option(names = "--infra", required = true, paramLabel = "NAME", description = "infra to act on, e.g. production")
    String infra;

    @Option(names = "--settings", paramLabel = "FILE", defaultValue = "./settings.yaml",
            description = "settings file in the server's workspace (default: ${DEFAULT-VALUE})")
    String settings;

    @Option(names = "--check", description = "check mode: the scripts only show what they would do")
    boolean check;

    @Option(names = "--wait", description = "the scripts wait until everything is ready, and this command follows "
            + "the task until it ends, showing progress")
    boolean waitForEnd;

    @Option(names = "--logs", description = "with --wait, also show the script's output lines")
    boolean logs;

    @Option(names = "--priority", paramLabel = "P", description = "0-100 or low, normal, high, critical")
    String priority;

    @Option(names = "--max-attempts", paramLabel = "N", description = "attempts before the task fails (1-20)")
    Integer maxAttempts;

    @Option(names = "--timeout-seconds", paramLabel = "S", description = "kill an attempt after this long")
    Integer timeoutSeconds;

    @Option(names = "--depends-on", paramLabel = "TASK_ID", split = ",",
            description = "start only after these tasks completed (repeat or separate with commas)")
    List<String> dependsOn = new ArrayList<>();

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "the same key returns the task made the first time instead of a new one")
    String idempotencyKey;

    ObjectNode body() {
        ObjectNode body = OrchestratorClient.JSON.createObjectNode();
        body.put("infra", infra);
        body.put("settings", settings);
        body.put("check_mode", check);
        body.put("wait", waitForEnd);
        if (priority != null) {
            if (priority.strip().matches("-?\\d+")) {
                body.put("priority", Integer.parseInt(priority.strip()));
            } else {
                body.put("priority", priority.strip());
            }
        }
        if (maxAttempts != null) {
            body.put("max_attempts", maxAttempts);
        }
        if (timeoutSeconds != null) {
            body.put("timeout_seconds", timeoutSeconds);
        }
        if (!dependsOn.isEmpty()) {
            ArrayNode ids = body.putArray("depends_on");
            dependsOn.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(ids::add);
        }
        return body;
    }

    static ArrayNode names(List<String> names) {
        ArrayNode array = OrchestratorClient.JSON.createArrayNode();
        Words.unbracket(names).forEach(array::add);
        return array;
    }
}
