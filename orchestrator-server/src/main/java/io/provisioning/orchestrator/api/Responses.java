package io.provisioning.orchestrator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.provisioning.orchestrator.json.Json;

/** Writes envelopes with the product's one JSON configuration. */
final class Responses {
    /** The error message of a failed request, for the audit log. */
    static final String ERROR = "orchestrator.error";

    private Responses() {}

    static void ok(Context ctx, Object data) {
        write(ctx, 200, Envelope.ok(data));
    }

    static void error(Context ctx, int status, String message) {
        ctx.attribute(ERROR, message);
        write(ctx, status, Envelope.failure(message));
    }

    static void write(Context ctx, int status, Envelope envelope) {
        try {
            ctx.status(status).contentType("application/json").result(Json.mapper().writeValueAsBytes(envelope));
        } catch (JsonProcessingException e) {
            ctx.status(500).contentType("application/json")
                    .result("{\"success\":false,\"data\":null,\"error\":\"internal error\"}");
        }
    }
}
