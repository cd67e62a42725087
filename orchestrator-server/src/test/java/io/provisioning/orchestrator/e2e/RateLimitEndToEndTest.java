package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-client limits on the real server: a burst beyond the allowance gets 429 with Retry-After; /health never does. */
class RateLimitEndToEndTest {
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    @TempDir static Path keys;
    static Path secret;
    static ServerProcess server;

    @BeforeAll
    static void startServerWithALimit() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        secret = TestKeys.secretFile(keys, "jwt.secret");
        server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                "--auth-hs256-secret-file", secret.toString(), "--rate-limit-per-minute", "6", "--rate-limit-burst", "5");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void a_burst_beyond_the_allowance_gets_429_with_retry_after() throws Exception {
        Api alice = server.api().withToken(Tokens.hs256(secret, Role.VIEWER, "alice"));
        List<Api.Reply> replies = burst(alice, "/tasks", 12);
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(5);
        List<Api.Reply> limited = replies.stream().filter(r -> r.status() == 429).toList();
        assertThat(limited).hasSize(7);
        for (Api.Reply reply : limited) {
            assertThat(reply.success()).isFalse();
            assertThat(reply.error()).startsWith("too many requests");
            int retryAfter = Integer.parseInt(reply.headers().get("retry-after").get(0));
            assertThat(retryAfter).isBetween(1, 10);
        }
    }

    @Test
    void each_subject_has_its_own_allowance() throws Exception {
        Api bob = server.api().withToken(Tokens.hs256(secret, Role.VIEWER, "bob"));
        Api carol = server.api().withToken(Tokens.hs256(secret, Role.VIEWER, "carol"));
        assertThat(burst(bob, "/tasks", 8)).anyMatch(r -> r.status() == 429);
        assertThat(carol.get("/tasks").status()).isEqualTo(200);
    }

    @Test
    void callers_without_a_valid_token_are_limited_by_address_so_guessing_tokens_is_slow() throws Exception {
        Api guesser = server.api().withToken("guess.guess.guess");
        List<Api.Reply> replies = burst(guesser, "/tasks", 10);
        assertThat(replies).filteredOn(r -> r.status() == 401).hasSizeLessThanOrEqualTo(5);
        assertThat(replies).filteredOn(r -> r.status() == 429).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void health_is_never_limited() throws Exception {
        assertThat(burst(server.api(), "/health", 40)).allMatch(r -> r.status() == 200);
    }

    @Test
    void refusals_are_counted_in_the_metrics_not_written_to_the_audit_log() throws Exception {
        Api dave = server.api().withToken(Tokens.hs256(secret, Role.ADMIN, "dave"));
        burst(dave, "/workflows/servers/create", 8);
        Api erin = server.api().withToken(Tokens.hs256(secret, Role.ADMIN, "erin"));
        Api.Reply audit = erin.get("/audit?subject=dave&limit=1000");
        assertThat(audit.data()).hasSize(5).allMatch(e -> !e.path("outcome").asText().equals("429"));
        assertThat(erin.text("/metrics").body()).containsPattern("orchestrator_http_rate_limited_total [1-9]");
    }

    private static List<Api.Reply> burst(Api api, String path, int count) throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<Api.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Callable<Api.Reply> call = path.startsWith("/workflows")
                        ? () -> api.post(path, "{}") : () -> api.get(path);
                futures.add(pool.submit(call));
            }
            List<Api.Reply> replies = new ArrayList<>();
            for (Future<Api.Reply> future : futures) {
                replies.add(future.get());
            }
            return replies;
        } finally {
            pool.shutdown();
        }
    }
}
