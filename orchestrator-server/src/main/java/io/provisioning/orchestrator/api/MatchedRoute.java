package io.provisioning.orchestrator.api;

import io.javalin.http.Context;
import java.util.Optional;

/** The route template a request matched ({@code /tasks/{id}}), if any; the label for metrics and the key for roles. */
final class MatchedRoute {
    private MatchedRoute() {}

    static Optional<String> of(Context ctx) {
        try {
            return Optional.ofNullable(ctx.endpoints().matchedHttpEndpoint()).map(endpoint -> endpoint.path);
        } catch (NullPointerException noMatch) {
            return Optional.empty(); // Javalin answers "no endpoint matched" this way
        }
    }
}
