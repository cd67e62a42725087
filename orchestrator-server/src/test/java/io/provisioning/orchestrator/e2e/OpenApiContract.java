package io.provisioning.orchestrator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import io.provisioning.orchestrator.api.OpenApiDocument;
import io.provisioning.orchestrator.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a real answer against the OpenAPI document the server serves: the route and method must be
 * documented, the status must be one the operation lists, the content type one that status lists,
 * and a JSON body must match that response's schema (networknt json-schema-validator, OpenAPI 3.1
 * dialect, formats asserted). A request to no documented route must still get the error envelope.
 */
final class OpenApiContract {
    private static final String BASE = "https://provisioning.invalid/openapi.json";
    private static final OpenApiContract INSTANCE = new OpenApiContract(OpenApiDocument.load().tree());
    private final JsonNode document;
    private final SchemaRegistry registry;
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private record Route(String template, Pattern pattern, int parameters) {}

    OpenApiContract(JsonNode document) {
        // the whole document is the schema resource, so its top-level keys (paths, tags, ...) are
        // "unknown keywords" to the validator, which would warn about each one
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.networknt.schema.keyword"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        this.document = document;
        String text;
        try {
            text = Json.mapper().writeValueAsString(document);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(),
                builder -> builder.schemas(Map.of(BASE, text)).schemaRegistryConfig(config));
        document.path("paths").fieldNames().forEachRemaining(template -> {
            String regex = Pattern.compile("\\{[^/}]+}").matcher(Pattern.quote(template))
                    .replaceAll(m -> "\\\\E[^/]+\\\\Q");
            routes.add(new Route(template, Pattern.compile(regex), template.split("\\{", -1).length - 1));
        });
        routes.sort(Comparator.comparingInt(Route::parameters)); // a literal segment wins over a parameter
    }

    static OpenApiContract standard() {
        return INSTANCE;
    }

    /** The problems with this answer; empty when it is what the document promises. */
    List<String> problems(String method, String path, int status, String contentType, String body) {
        String verb = method.toLowerCase(Locale.ROOT);
        Optional<String> template = template(verb, path);
        String what = method + " " + path + " -> " + status;
        if (template.isEmpty()) {
            // not a documented route: whatever it is, the answer is the error envelope
            if (body == null || body.isEmpty() || status < 400) {
                return status < 400 ? List.of(what + ": no documented route " + method + " " + path) : List.of();
            }
            return validate(what, "#/components/schemas/ErrorEnvelope", body);
        }
        String operation = "#/paths/" + escape(template.get()) + "/" + verb;
        JsonNode responses = document.path("paths").path(template.get()).path(verb).path("responses");
        String code = Integer.toString(status);
        if (!responses.has(code)) {
            return List.of(what + ": status " + status + " is not documented for " + method + " " + template.get()
                    + " (documented: " + names(responses) + ")");
        }
        String responsePointer = operation + "/responses/" + code;
        JsonNode response = responses.get(code);
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText();
            response = at(responsePointer);
        }
        JsonNode content = response.path("content");
        if (content.isEmpty()) {
            return body == null || body.isEmpty() ? List.of() : List.of(what + ": the document says no body");
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!content.has(mediaType)) {
            return List.of(what + ": content type '" + contentType + "' is not documented (documented: "
                    + names(content) + ")");
        }
        if (!mediaType.equals("application/json")) {
            return List.of();
        }
        return validate(what, responsePointer + "/content/application~1json/schema", body);
    }

    /** The problems with a request body by the operation's request schema (empty: the document accepts it). */
    List<String> requestProblems(String method, String path, String body) {
        String verb = method.toLowerCase(Locale.ROOT);
        Optional<String> template = template(verb, path);
        if (template.isEmpty()) {
            return List.of(method + " " + path + ": no documented route");
        }
        JsonNode requestBody = document.path("paths").path(template.get()).path(verb).path("requestBody");
        if (!requestBody.path("content").has("application/json")) {
            return List.of(method + " " + path + ": no JSON request body documented");
        }
        return validate(method + " " + path + " request", "#/paths/" + escape(template.get()) + "/" + verb
                + "/requestBody/content/application~1json/schema", body);
    }

    /** The problems with one value by a schema of the document ({@code #/components/schemas/Task}). */
    List<String> schemaProblems(String pointer, JsonNode value) {
        try {
            return validate(pointer, pointer, Json.mapper().writeValueAsString(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> validate(String what, String pointer, String body) {
        JsonNode instance;
        try {
            instance = Json.mapper().readTree(body);
        } catch (IOException e) {
            return List.of(what + ": the body is not JSON: " + abbreviate(body));
        }
        Schema schema = schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(BASE + p)));
        List<Error> errors = schema.validate(instance);
        List<String> problems = new ArrayList<>();
        for (Error error : errors) {
            problems.add(what + ": " + error.getInstanceLocation() + " " + error.getMessage() + " (schema "
                    + error.getSchemaLocation() + ")");
        }
        if (!problems.isEmpty()) {
            problems.add(what + ": body was " + abbreviate(body));
        }
        return problems;
    }

    /** The documented template that serves this method and path, preferring literal segments. */
    Optional<String> template(String verb, String path) {
        String bare = path.split("\\?", 2)[0];
        return routes.stream()
                .filter(r -> r.pattern().matcher(bare).matches())
                .filter(r -> document.path("paths").path(r.template()).has(verb))
                .map(Route::template)
                .findFirst();
    }

    private JsonNode at(String ref) {
        return document.at(ref.substring(1));
    }

    /** A JSON pointer fragment for a path template: '/' as '~1', braces percent-encoded as a URI needs. */
    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
    }

    private static String names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private static String abbreviate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "…";
    }
}
