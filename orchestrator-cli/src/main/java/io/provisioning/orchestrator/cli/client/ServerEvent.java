package io.provisioning.orchestrator.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/** One Server-Sent Event: its name ({@code message} when the server gave none), its data text and id. */
public record ServerEvent(String name, String data, String id) {
    public ServerEvent(String name, String data) {
        this(name, data, null);
    }

    /** The data as JSON, or a JSON string holding the text when it is not JSON. */
    public JsonNode json() {
        try {
            return OrchestratorClient.JSON.readTree(data);
        } catch (JsonProcessingException e) {
            return OrchestratorClient.JSON.getNodeFactory().textNode(data);
        }
    }
}
