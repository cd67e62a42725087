package io.provisioning.orchestrator.e2e;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A seeded generator of hostile requests against every endpoint: workflow bodies with one field made
 * hostile or of the wrong type, broken JSON (truncated, deep, huge, trailing text, duplicate keys),
 * bad ids and query parameters, traversal in paths, odd methods, bad tokens and headers. A few
 * bodies are left valid, so that what passes validation is exercised too.
 */
final class FuzzRequests {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final ObjectMapper ESCAPING = JsonMapper.builder().enable(JsonGenerator.Feature.ESCAPE_NON_ASCII).build();
    /** Fields whose text becomes a script argument or a path. */
    private static final List<String> SCRIPT_FIELDS = List.of("infra", "settings", "taskserv", "cluster_type", "operation");
    private static final List<String> OPTIONAL_TYPED = List.of("check_mode", "wait", "priority", "max_attempts",
            "timeout_seconds", "depends_on", "continue_on_dependency_failure");
    private final Random random;
    private final HostileValues hostile;
    private final String admin;
    private final String operator;
    private final String viewer;
    private final List<String> badTokens;

    FuzzRequests(long seed, String marker, String admin, String operator, String viewer, List<String> badTokens) {
        this.random = new Random(seed);
        this.hostile = new HostileValues(marker);
        this.admin = admin;
        this.operator = operator;
        this.viewer = viewer;
        this.badTokens = badTokens;
    }

    List<FuzzCase> generate(int count) {
        List<FuzzCase> cases = new ArrayList<>(count);
        while (cases.size() < count) {
            int pick = random.nextInt(100);
            cases.add(pick < 35 ? workflowWithHostileField()
                    : pick < 47 ? brokenBody()
                    : pick < 52 ? batch()
                    : pick < 60 ? taskQuery()
                    : pick < 70 ? taskById()
                    : pick < 74 ? auditQuery()
                    : pick < 77 ? openEndpoints()
                    : pick < 85 ? hostilePath()
                    : pick < 89 ? oddMethod()
                    : pick < 96 ? badToken()
                    : hostileHeader());
        }
        return cases;
    }

    // ---- workflow bodies

    private ObjectNode validBody(String kind) {
        ObjectNode body = NODES.objectNode();
        body.put("infra", random.nextBoolean() ? "production" : HostileValues.validName(random));
        body.put("settings", List.of("./settings.yaml", "settings.yaml", "sub/settings.yaml").get(random.nextInt(3)));
        switch (kind) {
            case "servers" -> {
                ArrayNode servers = body.putArray("servers");
                String first = HostileValues.validName(random);
                servers.add(first);
                if (random.nextBoolean()) {
                    servers.add(first + "x");
                }
            }
            case "taskserv" -> body.put("taskserv", List.of("postgres", "redis", "etcd").get(random.nextInt(3)));
            default -> body.put("cluster_type", "kubernetes");
        }
        body.put("check_mode", random.nextBoolean());
        body.put("wait", random.nextBoolean());
        return body;
    }

    private String anyKind() {
        int k = random.nextInt(20);
        return k < 12 ? "servers" : k < 19 ? "taskserv" : "cluster";
    }

    private FuzzCase workflowWithHostileField() {
        String kind = anyKind();
        ObjectNode body = validBody(kind);
        boolean reject = true;
        String label;
        int how = random.nextInt(10);
        if (how == 0 && !kind.equals("cluster") && random.nextInt(4) == 0) {
            reject = false; // left valid, or with a harmless extra: the path that creates tasks must be exercised
            if (random.nextBoolean()) {
                body.put("unknown_" + random.nextInt(10), hostile.any(random));
            }
            label = "valid " + kind;
        } else if (how <= 4) { // (how == 0 falls through to here three times in four)
            String field = scriptField(kind);
            String value = hostile.anyOrHuge(random);
            body.put(field, value);
            label = kind + "." + field + "=hostile";
        } else if (how <= 6) {
            ArrayNode servers = body.putArray("servers");
            servers.add(HostileValues.validName(random));
            servers.add(hostile.anyOrHuge(random));
            label = kind + ".servers[]=hostile";
        } else if (how == 7) {
            String field = random.nextBoolean() ? scriptField(kind) : "servers";
            body.set(field, wrongType(field));
            label = kind + "." + field + " wrong type";
        } else if (how == 8) {
            String field = OPTIONAL_TYPED.get(random.nextInt(OPTIONAL_TYPED.size()));
            body.set(field, wrongType(field));
            label = kind + "." + field + " wrong type";
        } else {
            String field = requiredField(kind);
            body.remove(field);
            label = kind + " without " + field;
        }
        return post("/workflows/" + kind + "/create", json(body), reject, label, admin);
    }

    private String scriptField(String kind) {
        return switch (kind) {
            case "servers" -> List.of("infra", "settings", "operation").get(random.nextInt(3));
            case "taskserv" -> List.of("infra", "settings", "operation", "taskserv").get(random.nextInt(4));
            default -> List.of("infra", "settings", "operation", "cluster_type").get(random.nextInt(4));
        };
    }

    private String requiredField(String kind) {
        return switch (kind) {
            case "servers" -> List.of("infra", "settings", "servers").get(random.nextInt(3));
            case "taskserv" -> List.of("infra", "settings", "taskserv").get(random.nextInt(3));
            default -> List.of("infra", "settings", "cluster_type").get(random.nextInt(3));
        };
    }

    /** A JSON value of a type the field does not take (never null, which means "absent"). */
    private JsonNode wrongType(String field) {
        boolean wantsString = SCRIPT_FIELDS.contains(field);
        boolean wantsBoolean = field.equals("check_mode") || field.equals("wait")
                || field.equals("continue_on_dependency_failure");
        boolean wantsArray = field.equals("servers") || field.equals("depends_on");
        List<JsonNode> options = new ArrayList<>();
        options.add(NODES.numberNode(random.nextInt()));
        options.add(NODES.numberNode(1.5));
        options.add(NODES.objectNode().put("a", 1));
        options.add(deepArray(1 + random.nextInt(400)));
        if (!wantsString) {
            options.add(NODES.textNode(hostile.any(random)));
        }
        if (!wantsBoolean) {
            options.add(NODES.booleanNode(random.nextBoolean()));
        }
        if (!wantsArray) {
            options.add(NODES.arrayNode().add("a"));
        } else {
            options.add(hugeArray());
            options.add(NODES.arrayNode().add(7).add(NODES.objectNode()));
        }
        if (field.equals("priority")) {
            options.removeIf(n -> n.isTextual()); // "low" and friends are valid; hostile text is not, kept below
            options.add(NODES.textNode("urgent" + hostile.any(random)));
            options.add(NODES.numberNode(101 + random.nextInt(1000)));
        }
        if (field.equals("max_attempts") || field.equals("timeout_seconds")) {
            options.add(NODES.numberNode(-1 - random.nextInt(100)));
        }
        return options.get(random.nextInt(options.size()));
    }

    private ArrayNode deepArray(int depth) {
        ArrayNode root = NODES.arrayNode();
        ArrayNode at = root;
        for (int i = 0; i < depth; i++) {
            at = at.addArray();
        }
        return root;
    }

    private ArrayNode hugeArray() {
        ArrayNode array = NODES.arrayNode();
        int size = 1001 + random.nextInt(20_000);
        for (int i = 0; i < size; i++) {
            array.add("s" + i);
        }
        return array;
    }

    // ---- broken bodies

    private FuzzCase brokenBody() {
        String kind = anyKind();
        String valid = new String(json(validBody(kind)), StandardCharsets.UTF_8);
        String path = "/workflows/" + kind + "/create";
        return switch (random.nextInt(12)) {
            case 0 -> post(path, bytes(valid.substring(0, random.nextInt(valid.length()))), true, "truncated JSON", admin);
            case 1 -> post(path, randomBytes(1 + random.nextInt(400)), true, "random bytes", admin);
            case 2 -> post(path, bytes("[".repeat(1200 + random.nextInt(5000))), true, "deeply nested arrays", admin);
            case 3 -> post(path, bytes("{\"infra\":" + "{\"a\":".repeat(1100) + "1" + "}".repeat(1101)), true,
                    "deeply nested objects", admin);
            case 4 -> post(path, bytes(List.of("[]", "\"text\"", "42", "null", "true", "[" + valid + "]")
                    .get(random.nextInt(6))), true, "not an object", admin);
            case 5 -> post(path, bytes(valid + List.of(" x", "{}", ",", "]", "\u0000", " // c").get(random.nextInt(6))), true,
                    "trailing text", admin);
            case 6 -> post(path, bytes(valid.replaceFirst("\\{", "{\"infra\":\"production\",")), true, "duplicate key",
                    admin);
            case 7 -> post(path, bytes(valid.replace("\"check_mode\":", "/* c */\"check_mode\":")), true, "comment", admin);
            case 8 -> post(path, bytes(valid.replace("\"wait\":true", "\"wait\":" + "9".repeat(1500))
                    .replace("\"wait\":false", "\"wait\":1e999999")), true, "huge number", admin);
            case 9 -> post(path, bytes("{\"infra\":\"" + "p".repeat(300_000) + "\"}"), true, "over the size limit", admin);
            case 10 -> post(path, new byte[0], true, "empty body", admin);
            default -> post(path, bytes(valid.replace("\"", "'")), true, "single quotes", admin);
        };
    }

    private FuzzCase batch() {
        ObjectNode body = NODES.objectNode();
        ArrayNode tasks = body.putArray("tasks");
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            String kind = random.nextBoolean() ? "servers" : "taskserv";
            ObjectNode item = validBody(kind);
            item.put("ref", "r" + i);
            item.put("workflow", kind);
            if (i > 0) {
                item.putArray("after").add("r" + (i - 1));
            }
            tasks.add(item);
        }
        ObjectNode victim = (ObjectNode) tasks.get(random.nextInt(n));
        String label;
        switch (random.nextInt(6)) {
            case 0 -> {
                victim.put("ref", hostile.any(random));
                label = "batch ref=hostile";
            }
            case 1 -> {
                victim.put("workflow", hostile.any(random));
                label = "batch workflow=hostile";
            }
            case 2 -> {
                victim.putArray("after").add(victim.path("ref").asText());
                label = "batch cycle";
            }
            case 3 -> {
                victim.put(scriptField(victim.path("workflow").asText()), hostile.anyOrHuge(random));
                label = "batch field=hostile";
            }
            case 4 -> {
                body.set("tasks", random.nextBoolean() ? NODES.arrayNode() : NODES.textNode(hostile.any(random)));
                label = "batch tasks wrong";
            }
            default -> {
                victim.set("after", wrongType("infra"));
                label = "batch after wrong type";
            }
        }
        return post("/workflows/batch", json(body), true, label, admin);
    }

    // ---- reads and task ids

    private FuzzCase taskQuery() {
        List<String> params = new ArrayList<>();
        String[] names = {"status", "limit", "offset"};
        String bad = names[random.nextInt(3)];
        for (String name : names) {
            if (name.equals(bad)) {
                String value = switch (name) {
                    case "status" -> "Done" + hostile.any(random);
                    case "limit" -> List.of("0", "1001", "-5", "abc", "1e3", "99999999999", "", " 5")
                            .get(random.nextInt(8)) + nonEmpty(hostile.any(random));
                    default -> List.of("-1", "x", "2147483648", "1.5").get(random.nextInt(4));
                };
                params.add(name + "=" + encode(value));
            } else if (random.nextBoolean()) {
                params.add(name + "=" + (name.equals("status") ? "Pending" : "1"));
            }
        }
        return get("/tasks?" + String.join("&", params), true, "GET /tasks bad " + bad, admin);
    }

    private FuzzCase taskById() {
        String id = switch (random.nextInt(4)) {
            case 0 -> UUID.randomUUID().toString();
            case 1 -> nonEmpty(hostile.any(random));
            case 2 -> UUID.randomUUID().toString().toUpperCase() + hostile.any(random);
            default -> "../".repeat(1 + random.nextInt(4)) + hostile.marker();
        };
        if (id.matches("\\.*")) {
            id = "x" + id; // "/tasks/." is "/tasks" after dot-segment removal: a list, not a bad id
        }
        String encoded = encodeSegment(id);
        return switch (random.nextInt(5)) {
            case 0 -> get("/tasks/" + encoded, true, "GET task bad id", viewer);
            case 1 -> get("/tasks/" + encoded + "/logs", true, "GET logs bad id", viewer);
            case 2 -> get("/tasks/" + encoded + "/events", true, "GET events bad id", viewer);
            case 3 -> post("/tasks/" + encoded + "/cancel", new byte[0], true, "cancel bad id", operator);
            default -> post("/tasks/" + encoded + "/retry", bytes("{}"), true, "retry bad id", operator);
        };
    }

    private FuzzCase auditQuery() {
        String param = List.of("from", "to", "limit").get(random.nextInt(3));
        String value = param.equals("limit") ? List.of("0", "abc", "100000", "-1").get(random.nextInt(4))
                : hostile.any(random) + "Z";
        String also = random.nextBoolean() ? "&subject=" + encode(hostile.any(random)) + "&action=" + encode(hostile.any(random))
                + "&target=" + encode(hostile.any(random)) : "";
        return get("/audit?" + param + "=" + encode(value) + also, true, "GET /audit bad " + param, admin);
    }

    private FuzzCase openEndpoints() {
        // (GET /events with a valid token streams until closed, so it is fuzzed with bad tokens only)
        String path = List.of("/health", "/metrics", "/audit/verify").get(random.nextInt(3));
        String query = random.nextBoolean() ? "?" + encode(hostile.any(random)) + "=" + encode(hostile.any(random)) : "";
        return get(path + query, false, "GET " + path + " with junk query", admin);
    }

    // ---- paths, methods, tokens, headers

    private FuzzCase hostilePath() {
        StringBuilder path = new StringBuilder("/a/b/c/d/e/f/g/h");
        int segments = 1 + random.nextInt(4);
        for (int i = 0; i < segments; i++) {
            path.append('/').append(List.of("..", "%2e%2e", "%2E%2e%2F", "..%2F", ".%00.", "%00", "%u002e", "%c0%ae%c0%ae",
                    "%zz", ";x=..", "\\..", "%5c..", "%252e%252e", encodeSegment(hostile.any(random)), hostile.marker())
                    .get(random.nextInt(15)));
        }
        if (random.nextBoolean()) {
            path.append("/").append(hostile.marker()).append(".yaml");
        }
        String method = random.nextBoolean() ? "GET" : "POST";
        return new FuzzCase("raw path " + method, method, path.toString(), auth(admin), method.equals("POST") ? bytes("{}")
                : null, true, true);
    }

    private FuzzCase oddMethod() {
        String method = List.of("PUT", "PATCH", "DELETE", "TRACE", "PROPFIND", "FOO", "CONNECT-ISH").get(random.nextInt(7));
        String path = List.of("/tasks", "/tasks/" + UUID.randomUUID(), "/workflows/servers/create", "/audit", "/metrics",
                "/health/x", "/workflows/batch").get(random.nextInt(7));
        return new FuzzCase(method + " " + path, method, path, auth(admin), null, true, true);
    }

    private FuzzCase badToken() {
        String token = random.nextInt(4) == 0 ? hostile.any(random) : badTokens.get(random.nextInt(badTokens.size()));
        String header = switch (random.nextInt(5)) {
            case 0 -> token;
            case 1 -> "Basic " + token;
            case 2 -> "Bearer " + token + " " + token;
            case 3 -> "Bearer\t" + token;
            default -> "Bearer " + token;
        };
        header = header.replace("\r", "").replace("\n", "");
        String path = List.of("/tasks", "/audit", "/workflows/servers/create", "/events", "/metrics",
                "/tasks/" + UUID.randomUUID() + "/cancel").get(random.nextInt(6));
        String method = path.startsWith("/workflows") || path.endsWith("cancel") ? "POST" : "GET";
        return new FuzzCase("bad token " + method + " " + path, method, path, List.of("Authorization", header),
                method.equals("POST") ? json(validBody("servers")) : null, true, true);
    }

    private FuzzCase hostileHeader() {
        byte[] body = json(validBody("servers"));
        return switch (random.nextInt(3)) {
            case 0 -> new FuzzCase("hostile Idempotency-Key", "POST", "/workflows/servers/create",
                    List.of("Authorization", "Bearer " + operator, "Idempotency-Key",
                            List.of("a b", "ключ", "x".repeat(201), "", "a\u0001b", "\u00ff").get(random.nextInt(6))),
                    body, true, true);
            case 1 -> new FuzzCase("viewer submits", "POST", "/workflows/servers/create",
                    List.of("Authorization", "Bearer " + viewer, "Content-Type", "application/json"), body, true, true);
            default -> new FuzzCase("huge header", "GET", "/tasks",
                    List.of("Authorization", "Bearer " + admin, "X-Junk", "j".repeat(9_000 + random.nextInt(8_000))),
                    null, true, true);
        };
    }

    // ---- helpers

    private FuzzCase post(String path, byte[] body, boolean reject, String label, String token) {
        List<String> headers = new ArrayList<>(auth(token));
        if (random.nextInt(10) != 0) {
            headers.addAll(List.of("Content-Type", "application/json"));
        }
        return new FuzzCase(label, "POST", path, headers, body, reject, false);
    }

    private FuzzCase get(String pathAndQuery, boolean reject, String label, String token) {
        return new FuzzCase(label, "GET", pathAndQuery, auth(token), null, reject, false);
    }

    private static String nonEmpty(String value) {
        return value.isEmpty() ? "x" : value;
    }

    private static List<String> auth(String token) {
        return List.of("Authorization", "Bearer " + token);
    }

    private byte[] json(JsonNode node) {
        try {
            boolean loneSurrogate = node.toString().chars().anyMatch(c -> Character.isSurrogate((char) c));
            return (loneSurrogate || random.nextBoolean() ? ESCAPING : PLAIN).writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A path segment with everything but unreserved characters percent-encoded (slashes included). */
    static String encodeSegment(String value) {
        return encode(value).replace("+", "%20");
    }
}
