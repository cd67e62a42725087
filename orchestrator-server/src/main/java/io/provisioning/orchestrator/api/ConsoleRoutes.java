package io.provisioning.orchestrator.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.provisioning.orchestrator.workflow.Printable;

/**
 * The web console: the files under {@code ui/} in the server jar ({@link ConsoleFiles}), served at {@code /ui/}
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
        ConsoleFiles files = new ConsoleFiles("ui", ConsoleRoutes.class.getClassLoader());
        io.javalin.http.Handler file = ctx -> serve(ctx, files, ctx.pathParam("file"));
        io.javalin.http.Handler index = ctx -> { // Javalin matches "/ui" and "/ui/" alike: /ui/ is the console's index
            if (ctx.path().equals("/ui")) {
                ctx.redirect(PATH);
            } else {
                serve(ctx, files, "");
            }
        };
        config.routes.get("/ui/<file>", file);
        config.routes.head("/ui/<file>", file); // the server leaves the body out
        config.routes.get("/ui", index);
        config.routes.head("/ui", index);
        config.routes.get("/", ctx -> ctx.redirect(PATH));
    }

    private static void serve(Context ctx, ConsoleFiles files, String relative) {
        ConsoleFiles.File file = files.find(relative).orElse(null);
        if (file == null) {
            Responses.error(ctx, 404, "no console file " + Printable.quote(relative));
            return;
        }
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(file.contentType()).result(file.bytes());
    }
}
