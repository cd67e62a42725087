package io.provisioning.orchestrator.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.cli.OneLine;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.nio.channels.UnresolvedAddressException;
import java.util.regex.Pattern;

/** Reads the envelope of an answer and maps what went wrong to one sentence and an exit code. */
final class ApiErrors {
    /** How the orchestrator (and Javalin under it) says a route does not exist, as opposed to a missing task. */
    private static final Pattern NO_SUCH_ENDPOINT = Pattern.compile("^(no such endpoint|Endpoint \\S+ \\S+ not found)");
    private final URI base;
    private final boolean tokenSent;

    ApiErrors(URI base, boolean tokenSent) {
        this.base = base;
        this.tokenSent = tokenSent;
    }

    /** The {@code data} of a successful envelope. */
    JsonNode data(HttpRequest request, int status, String body) {
        JsonNode envelope = envelope(body);
        if (envelope == null) {
            throw notAnOrchestrator(request, status);
        }
        if (!envelope.path("success").asBoolean(false)) {
            throw new CliException.OperationFailed(message(envelope, "the orchestrator reported a failure"));
        }
        return envelope.path("data");
    }

    CliException from(HttpRequest request, int status, String body) {
        JsonNode envelope = envelope(body);
        String what = request.method() + " " + request.uri().getRawPath();
        if (envelope == null) {
            if (status == 404) {
                return new CliException.Unavailable(base + " has no endpoint " + what
                        + " (HTTP 404); is it an orchestrator, and as new as this CLI?");
            }
            return notAnOrchestrator(request, status);
        }
        String message = message(envelope, "HTTP " + status);
        return switch (status) {
            case 404 -> NO_SUCH_ENDPOINT.matcher(message).find()
                    ? new CliException.EndpointMissing("the orchestrator at " + base + " does not offer " + what
                            + "; it is older than this CLI")
                    : new CliException.NotFound(message);
            case 401 -> new CliException.BadInput(tokenSent
                    ? "the orchestrator rejected the token: " + message + " (check --token or PROVISIONING_TOKEN)"
                    : "the orchestrator needs a token: " + message + " (pass --token or set PROVISIONING_TOKEN)");
            case 403 -> new CliException.BadInput("not allowed: " + message);
            default -> status >= 500
                    ? new CliException.Unavailable("the orchestrator failed: " + message + " (HTTP " + status + ")")
                    : new CliException.BadInput(message);
        };
    }

    CliException unreachable(IOException e) {
        String prefix = "cannot reach the orchestrator at " + base + ": ";
        if (causedBy(e, UnresolvedAddressException.class) || causedBy(e, UnknownHostException.class)) {
            return new CliException.Unavailable(prefix + "unknown host " + base.getHost() + " (check --url / PROVISIONING_URL)");
        }
        if (e instanceof ConnectException) {
            String reason = e.getMessage() == null || e.getMessage().isBlank() ? "connection refused" : e.getMessage();
            return new CliException.Unavailable(prefix + OneLine.of(reason) + " (is it running? start it with "
                    + "'provisioning serve', or point --url / PROVISIONING_URL at it)");
        }
        String reason = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        return new CliException.Unavailable(prefix + OneLine.of(reason));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private CliException notAnOrchestrator(HttpRequest request, int status) {
        return new CliException.Unavailable(base + " answered " + request.method() + " " + request.uri().getRawPath()
                + " with HTTP " + status + " and no orchestrator response; is --url right?");
    }

    private static JsonNode envelope(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = OrchestratorClient.JSON.readTree(body);
            return node != null && node.isObject() && node.has("success") ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String message(JsonNode envelope, String fallback) {
        JsonNode error = envelope.path("error");
        return error.isTextual() && !error.asText().isBlank() ? OneLine.of(error.asText()) : fallback;
    }
}
