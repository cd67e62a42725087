package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The web console: the static files under {@code ui/} in the server jar, served at {@code /ui/}
 * on the API's own port (so with its TLS); {@code /} and {@code /ui} redirect there. The files
 * are open (they hold no data, see {@code RouteRoles}); every piece of data the console shows
 * comes from the API with the tab's bearer token.
 */
final class ConsoleRoutes {
    static final String PATH = "/ui/";
    /** Scripts and styles from the console's own files only: no inline script, no other origin. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            + "form-action 'self'";

    private ConsoleRoutes() {}

    static void install(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/ui";
            files.directory = "/ui";
            files.location = Location.CLASSPATH;
            files.headers = Map.of(
                    "Content-Security-Policy", CONTENT_SECURITY_POLICY,
                    "X-Content-Type-Options", "nosniff",
                    "Referrer-Policy", "no-referrer",
                    "Cache-Control", "no-cache");
        });
        config.routes.get("/", ctx -> ctx.redirect(PATH)); // Javalin matches "/ui" and "/ui/" alike, so /ui/ is the static index
        config.routes.before("/ui", ctx -> {
            if (ctx.path().equals("/ui")) {
                ctx.redirect(PATH);
            }
        });
    }
}
