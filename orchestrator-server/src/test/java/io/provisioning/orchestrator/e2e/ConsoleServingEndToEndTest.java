package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's files come from the server jar at /ui/ on the API's port, open (they hold no data)
 * while every piece of data still needs a token; / and /ui redirect to /ui/; nothing outside the
 * console's folder is served; the page may load scripts from its own origin only.
 */
class ConsoleServingEndToEndTest {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        Path secret = dir.resolve("jwt.key");
        Files.writeString(secret, "console-serving-test-secret-of-at-least-32-bytes\n");
        server = ServerProcess.start(dir.resolve("data"), Components.repoRoot().resolve("workspace"),
                Components.repoRoot().resolve("provisioning/main.nu"), "--auth-hs256-secret-file", secret.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void the_root_and_ui_redirect_to_the_console() throws Exception {
        for (String path : List.of("/", "/ui")) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location")).as(path).hasValue("/ui/");
        }
    }

    @Test
    void the_console_files_are_served_without_a_token_with_a_strict_content_security_policy() throws Exception {
        HttpResponse<String> page = get("/ui/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<title>Provisioning console</title>").doesNotContain("http://", "https://");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        for (String asset : List.of("/ui/app.css", "/ui/js/app.js", "/ui/js/sse.js", "/ui/js/views/tasks.js")) {
            HttpResponse<String> file = get(asset);
            assertThat(file.statusCode()).as(asset).isEqualTo(200);
            assertThat(file.body()).as(asset).doesNotContain("://cdn", "https://");
        }
        assertThat(get("/ui/js/app.js").headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        RawHttp.Answer head = RawHttp.send(server.port(), "HEAD", "/ui/", List.of(), null);
        assertThat(head.status()).as("HEAD /ui/").isEqualTo(200);
        assertThat(head.text()).as("HEAD /ui/: the page's headers, no body").containsIgnoringCase("Content-Type: text/html")
                .contains("Content-Security-Policy: default-src 'self'").doesNotContain("<title>");
    }

    @Test
    void data_still_needs_a_token_and_nothing_outside_the_console_folder_is_served() throws Exception {
        assertThat(get("/tasks").statusCode()).isEqualTo(401);
        assertThat(get("/events").statusCode()).isEqualTo(401);
        assertThat(get("/no-such-thing").statusCode()).isEqualTo(401);
        assertThat(get("/ui/no-such-file.js").statusCode()).isEqualTo(404);
        for (String sneaky : List.of("/ui/../tasks", "/ui/%2e%2e/tasks", "/ui/..%2ftasks", "/ui/%2e%2e/%2e%2e/etc/passwd",
                "/ui/../io/provisioning/orchestrator/api/ApiServer.class", "/ui/../logback.xml", "/ui/.hidden.js",
                "/ui/js/..%2f..%2flogback.xml", "/ui/index.html%00.js", "/ui/" + "a/".repeat(300) + "x.js")) {
            RawHttp.Answer answer = RawHttp.send(server.port(), "GET", sneaky, List.of(), null);
            assertThat(answer.status()).as(sneaky).isIn(400, 401, 404);
            assertThat(answer.text()).as(sneaky).doesNotContain("\"success\":true", "root:", "CAFEBABE");
        }
    }
}
