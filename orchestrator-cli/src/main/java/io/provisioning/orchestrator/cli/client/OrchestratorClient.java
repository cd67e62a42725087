package io.provisioning.orchestrator.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.cli.CliException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The orchestrator's REST API over {@code java.net.http}: unwraps the {@code {success, data, error}}
 * envelope and turns every failure into a {@link CliException} with the matching exit code.
 */
public final class OrchestratorClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final ApiErrors errors;

    public OrchestratorClient(String url, String token) {
        this.base = parseBase(url);
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.errors = new ApiErrors(base, this.token != null);
    }

    public String baseUrl() {
        return base.toString();
    }

    public JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    public JsonNode get(String path, Map<String, Object> query) {
        return get(path + queryString(query));
    }

    public JsonNode post(String path, JsonNode body) {
        return post(path, body, Map.of());
    }

    public JsonNode post(String path, JsonNode body, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString(), StandardCharsets.UTF_8));
        headers.forEach(builder::header);
        return send(builder.build());
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE().build());
    }

    /**
     * Opens a Server-Sent-Events stream, resuming after {@code lastEventId} when not null. Returns
     * once the server has answered with the stream's headers; the lines then arrive as the server
     * writes them.
     */
    public EventStream events(String path, String lastEventId) {
        HttpRequest.Builder builder = authorized(HttpRequest.newBuilder(resolve(path)).header("Accept", "text/event-stream"));
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        HttpRequest request = builder.GET().build();
        try {
            HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() / 100 != 2) {
                String text = String.join("\n", response.body().toList());
                throw errors.from(request, response.statusCode(), text);
            }
            return new EventStream(response.body());
        } catch (IOException e) {
            throw errors.unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException.Unavailable("interrupted while connecting to " + base);
        }
    }

    /** Percent-encodes one path segment, e.g. an environment id typed by a user. */
    public static String segment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw errors.unreachable(e);
        } catch (HttpTimeoutException e) {
            throw new CliException.Unavailable("the orchestrator at " + base + " did not answer "
                    + request.method() + " " + request.uri().getPath() + " within " + REQUEST_TIMEOUT.toSeconds() + "s");
        } catch (IOException e) {
            throw errors.unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException.Unavailable("interrupted while waiting for " + base);
        }
        if (response.statusCode() / 100 != 2) {
            throw errors.from(request, response.statusCode(), response.body());
        }
        return errors.data(request, response.statusCode(), response.body());
    }

    private HttpRequest.Builder request(String path) {
        return authorized(HttpRequest.newBuilder(resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json"));
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private URI resolve(String path) {
        return URI.create(base.toString().replaceAll("/+$", "") + path);
    }

    private static String queryString(Map<String, Object> query) {
        Map<String, Object> present = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (v != null) {
                present.put(k, v);
            }
        });
        if (present.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("?");
        present.forEach((k, v) -> {
            if (out.length() > 1) {
                out.append('&');
            }
            out.append(segment(k)).append('=').append(segment(v.toString()));
        });
        return out.toString();
    }

    private static URI parseBase(String url) {
        String problem = "--url must look like http://host:port; got '" + url + "'";
        if (url == null || url.isBlank()) {
            throw new CliException.BadInput("--url is empty; give the orchestrator's address, e.g. http://localhost:8080");
        }
        try {
            URI uri = new URI(url.strip());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
                throw new CliException.BadInput(problem);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException.BadInput(problem);
        }
    }
}
