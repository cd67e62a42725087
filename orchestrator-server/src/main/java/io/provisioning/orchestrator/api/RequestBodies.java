package io.provisioning.orchestrator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.json.Json;

/** Reads a JSON body within the size limit, with one clear sentence when it is not JSON. */
final class RequestBodies {
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
            JsonNode node = Json.mapper().readTree(body);
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
