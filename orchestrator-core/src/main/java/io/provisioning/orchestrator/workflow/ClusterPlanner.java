package io.provisioning.orchestrator.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks the provisioning library what a cluster is made of
 * ({@code nu <provisioning-path> cluster plan <type> --infra I --settings S}, which prints one JSON
 * object {@code {servers: [...], taskservs: [...]}}), so that settings are read in one place only.
 */
public final class ClusterPlanner {
    private final String nuPath;
    private final String provisioningPath;
    private final Path workspace;

    public ClusterPlanner(String nuPath, String provisioningPath, Path workspace) {
        this.nuPath = nuPath;
        this.provisioningPath = provisioningPath;
        this.workspace = workspace;
    }

    public ClusterPlan plan(WorkflowRequest request) {
        List<String> command = List.of(nuPath, provisioningPath, "cluster", "plan", request.target(),
                "--infra", request.infra(), "--settings", request.settings());
        try {
            Process process = new ProcessBuilder(command).directory(workspace.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new InvalidRequestException("planning cluster " + request.target() + " took too long");
            }
            if (process.exitValue() != 0) {
                String reason = new String(err, StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse("");
                throw new InvalidRequestException("cannot plan cluster " + request.target() + ": "
                        + Printable.quote(reason));
            }
            JsonNode plan = Json.mapper().readTree(lastJsonLine(new String(out, StandardCharsets.UTF_8)));
            return new ClusterPlan(names(plan.path("servers"), "servers"), names(plan.path("taskservs"), "taskservs"));
        } catch (IOException e) {
            throw new InvalidRequestException("cannot plan cluster " + request.target() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidRequestException("interrupted while planning the cluster");
        }
    }

    private static String lastJsonLine(String out) {
        return out.lines().map(String::strip).filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        for (JsonNode item : array) {
            names.add(Names.require("cluster plan " + field, item.asText()));
        }
        return names;
    }
}
