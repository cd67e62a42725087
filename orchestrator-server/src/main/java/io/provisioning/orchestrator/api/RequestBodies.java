package io.provisioning.orchestrator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.javalin.http.Context;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.json.Json;

/** Reads a JSON body within the size limit, with one clear sentence when it is not JSON. */
final class RequestBodies {
    /**
     * Strict: text after the object and a key given twice are errors, so no body means one thing to
     * us and another to a proxy or log reader that keeps the first value.
     */
    private static final ObjectReader STRICT = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final long maxBytes;

    RequestBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    JsonNode json(Context ctx) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) {
            throw new PayloadTooLargeException(maxBytes);
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > maxBytes) {
            throw new PayloadTooLargeException(maxBytes);
        }
        if (body.length == 0) {
            throw new InvalidRequestException("request body is empty; send a JSON object");
        }
        try {
            JsonNode node = STRICT.readTree(body);
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException("request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
            throw new InvalidRequestException("request body is not valid JSON" + where);
        } catch (java.io.IOException e) {
            throw new InvalidRequestException("request body could not be read");
        }
    }
}
