package io.provisioning.orchestrator.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one table of who may call what. A route is its method and its path template as registered
 * (e.g. {@code POST /tasks/{id}/cancel}); {@code {}} stands for one path segment whatever its
 * parameter name, and a final {@code *} for any rest. The first matching row wins. A route in no
 * row gets the strictest sensible role: viewer to read, admin to change anything.
 */
public final class RouteRoles {
    private static final Pattern PARAMETER = Pattern.compile("\\{[^/}]*}|<[^/>]*>");
    private final List<Row> rows;

    private RouteRoles(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** {@code metricsPublic}: whether Prometheus may scrape /metrics without a token. */
    public static RouteRoles standard(boolean metricsPublic) {
        List<Row> rows = new ArrayList<>();
        rows.add(open("GET", "/health"));
        // the web console's static files and the redirects to them: no data, so open; the data needs a token
        rows.add(open("GET", "/"));
        rows.add(open("GET", "/ui"));
        rows.add(open("GET", "/ui/*"));
        rows.add(open("GET", "/version"));
        rows.add(open("GET", "/openapi.json"));
        rows.add(open("GET", "/openapi.yaml"));
        rows.add(metricsPublic ? open("GET", "/metrics") : row("GET", "/metrics", Role.VIEWER));
        rows.add(row("*", "/audit", Role.ADMIN));
        rows.add(row("*", "/audit/*", Role.ADMIN));
        rows.add(row("*", "/storage", Role.ADMIN));
        rows.add(row("*", "/storage/*", Role.ADMIN));
        rows.add(row("*", "/settings", Role.ADMIN));
        rows.add(row("*", "/settings/*", Role.ADMIN));
        rows.add(row("POST", "/workflows/*", Role.OPERATOR));
        rows.add(row("POST", "/tasks/{}/cancel", Role.OPERATOR));
        rows.add(row("POST", "/tasks/{}/retry", Role.OPERATOR));
        rows.add(row("DELETE", "/tasks/{}", Role.ADMIN)); // a task's record and logs are gone for good
        rows.add(row("POST", "/test/environments/prune", Role.ADMIN)); // removes other servers' leftovers too
        rows.add(row("POST", "/test/environments/create", Role.OPERATOR));
        rows.add(row("POST", "/test/environments/{}/run", Role.OPERATOR));
        rows.add(row("DELETE", "/test/environments/{}", Role.OPERATOR));
        return new RouteRoles(rows);
    }

    /** The role a route needs; empty when it is open to anyone. */
    public Optional<Role> required(String method, String routeTemplate) {
        String verb = method.toUpperCase(Locale.ROOT);
        String route = normalize(routeTemplate);
        for (Row row : rows) {
            if (row.matches(verb, route)) {
                return row.role();
            }
        }
        return Optional.of(isRead(verb) ? Role.VIEWER : Role.ADMIN);
    }

    public static boolean isRead(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS" -> true;
            default -> false;
        };
    }

    /** {@code /tasks/{id}/cancel/} and {@code /tasks/<task>/cancel} both become {@code /tasks/{}/cancel}. */
    static String normalize(String template) {
        String route = PARAMETER.matcher(template).replaceAll("{}");
        if (route.length() > 1 && route.endsWith("/")) {
            route = route.substring(0, route.length() - 1);
        }
        return route.startsWith("/") ? route : "/" + route;
    }

    private static Row row(String method, String pattern, Role role) {
        return new Row(method, pattern, Optional.of(role));
    }

    private static Row open(String method, String pattern) {
        return new Row(method, pattern, Optional.empty());
    }

    private record Row(String method, String pattern, Optional<Role> role) {
        boolean matches(String verb, String route) {
            if (!method.equals("*") && !method.equals(verb) && !(method.equals("GET") && verb.equals("HEAD"))) {
                return false;
            }
            String[] want = pattern.split("/", -1);
            String[] have = route.split("/", -1);
            for (int i = 0; i < want.length; i++) {
                if (want[i].equals("*") && i == want.length - 1) {
                    return have.length > i;
                }
                if (i >= have.length || !(want[i].equals("{}") || want[i].equals(have[i]))) {
                    return false;
                }
            }
            return want.length == have.length;
        }
    }
}
