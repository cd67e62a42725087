package io.provisioning.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.provisioning.orchestrator.OrchestratorVersion;
import io.provisioning.orchestrator.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's OpenAPI 3.1 description: written by hand in {@code openapi/openapi.yaml} (a resource
 * of this module), with {@code info.version} set to the build's version. Read once; both
 * renderings are kept as bytes.
 */
public final class OpenApiDocument {
    public static final String RESOURCE = "/openapi/openapi.yaml";
    private static final YAMLMapper YAML = new YAMLMapper();
    private static volatile OpenApiDocument current;
    private final JsonNode tree;
    private final byte[] json;
    private final byte[] yaml;

    private OpenApiDocument(JsonNode tree) {
        this.tree = tree;
        try {
            this.json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
            this.yaml = YAML.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the OpenAPI document", e);
        }
    }

    /** The document of this build (read from the class path on first use). */
    public static OpenApiDocument load() {
        OpenApiDocument doc = current;
        if (doc == null) {
            try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is not in the jar");
                }
                JsonNode tree = YAML.readTree(in);
                ((ObjectNode) tree.get("info")).put("version", OrchestratorVersion.current());
                doc = new OpenApiDocument(tree);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the OpenAPI document " + RESOURCE, e);
            }
            current = doc;
        }
        return doc;
    }

    /** A copy of the document as a tree. */
    public JsonNode tree() {
        return tree.deepCopy();
    }

    byte[] json() {
        return json.clone();
    }

    byte[] yaml() {
        return yaml.clone();
    }
}
