package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.auth.AuthSettings;
import io.provisioning.orchestrator.auth.MintToken;
import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.SigningKey;
import io.provisioning.orchestrator.auth.TestKeys;
import io.provisioning.orchestrator.auth.TokenMinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server with an HS256 secret: who gets in, who may do what, and what a refused caller is told. */
class AuthenticationEndToEndTest {
    static final String SERVERS = "{\"infra\":\"production\",\"settings\":\"./settings.yaml\",\"servers\":[\"ok-1\"]}";
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    @TempDir static Path keys;
    static Path secret;
    static ServerProcess server;
    static Api anonymous;
    static Api viewer;
    static Api operator;
    static Api admin;

    @BeforeAll
    static void startServerWithAuthentication() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        secret = TestKeys.secretFile(keys, "jwt.secret");
        server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                "--auth-hs256-secret-file", secret.toString(), "--workers", "1");
        anonymous = server.api();
        viewer = anonymous.withToken(Tokens.hs256(secret, Role.VIEWER, "vic"));
        operator = anonymous.withToken(Tokens.hs256(secret, Role.OPERATOR, "alice"));
        admin = anonymous.withToken(Tokens.hs256(secret, Role.ADMIN, "root"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void storage_and_its_migrations_are_for_admins_only() throws Exception {
        Api.Reply start = operator.post("/storage/migrations", "{\"to\":\"filesystem\"}");
        assertThat(start.status()).isEqualTo(403);
        assertThat(start.error()).isEqualTo("POST /storage/migrations needs the admin role; this token has operator");
        assertThat(viewer.get("/storage").status()).isEqualTo(403);
        Api.Reply storage = admin.get("/storage");
        assertThat(storage.status()).isEqualTo(200);
        assertThat(storage.data().path("type").asText()).isEqualTo("filesystem");
    }

    @Test
    void health_is_open_without_a_token() throws Exception {
        assertThat(anonymous.get("/health").status()).isEqualTo(200);
        assertThat(anonymous.withToken("not.a.token").get("/health").status()).isEqualTo(200);
    }

    @Test
    void version_is_open_without_a_token_and_names_the_build() throws Exception {
        Api.Reply version = anonymous.get("/version");
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.data().path("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(version.data().path("storage_backends").toString()).contains("filesystem");
        assertThat(version.data().path("storage_in_use").asText()).isEqualTo("filesystem");
        assertThat(anonymous.post("/version", "{}").status()).isEqualTo(401);
    }

    @Test
    void a_request_without_a_token_gets_401_and_a_bearer_challenge() throws Exception {
        Api.Reply reply = anonymous.get("/tasks");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.success()).isFalse();
        assertThat(reply.error()).contains("authentication required");
        assertThat(reply.headers().get("www-authenticate")).containsExactly("Bearer");
        assertThat(anonymous.post("/workflows/servers/create", SERVERS).status()).isEqualTo(401);
        assertThat(anonymous.get("/no/such/route").status()).as("no route enumeration without a token").isEqualTo(401);
        assertThat(viewer.get("/no/such/route").status()).isEqualTo(404);
    }

    @Test
    void a_token_signed_with_the_wrong_key_gets_401_invalid_token() throws Exception {
        Path otherSecret = TestKeys.secretFile(keys, "other.secret");
        Api.Reply reply = anonymous.withToken(Tokens.hs256(otherSecret, Role.ADMIN, "mallory")).get("/tasks");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error()).isEqualTo("invalid token");
        assertThat(reply.headers().get("www-authenticate")).containsExactly("Bearer error=\"invalid_token\"");
    }

    @Test
    void an_expired_token_gets_401_token_expired() throws Exception {
        Clock twoHoursAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-2));
        Api.Reply reply = anonymous.withToken(Tokens.hs256(secret, Role.ADMIN, "alice", Duration.ofHours(1), twoHoursAgo))
                .get("/tasks");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error()).isEqualTo("token expired");
    }

    @Test
    void a_refused_token_is_only_ever_invalid_never_why() throws Exception {
        Clock now = Clock.systemUTC();
        String wrongIssuer = new TokenMinter(SigningKey.hs256(secret), "someone-else", AuthSettings.DEFAULT_AUDIENCE, now)
                .mint("alice", Role.ADMIN, Duration.ofHours(1));
        String wrongAudience = new TokenMinter(SigningKey.hs256(secret), AuthSettings.DEFAULT_ISSUER, "other-api", now)
                .mint("alice", Role.ADMIN, Duration.ofHours(1));
        String[] parts = Tokens.hs256(secret, Role.VIEWER, "alice").split("\\.");
        String escalated = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("viewer", "admin").getBytes()) + "." + parts[2];
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "."
                + parts[1] + ".";
        String notYetValid = Tokens.hs256(secret, Role.ADMIN, "alice", Duration.ofHours(2),
                Clock.offset(now, Duration.ofHours(1)));
        for (String token : new String[] {wrongIssuer, wrongAudience, escalated, unsigned, notYetValid, "a.b.c", "x"}) {
            Api.Reply reply = anonymous.withToken(token).get("/audit");
            assertThat(reply.status()).as(token).isEqualTo(401);
            assertThat(reply.error()).as(token).isEqualTo("invalid token");
        }
    }

    @Test
    void a_viewer_may_read_but_not_submit_cancel_or_retry() throws Exception {
        long before = admin.get("/tasks?limit=1000").data().size();
        assertThat(viewer.get("/tasks").status()).isEqualTo(200);
        Api.Reply submit = viewer.post("/workflows/servers/create", SERVERS);
        assertThat(submit.status()).isEqualTo(403);
        assertThat(submit.error()).isEqualTo("POST /workflows/servers/create needs the operator role; this token has viewer");
        assertThat(admin.get("/tasks?limit=1000").data().size()).as("nothing was created").isEqualTo(before);
        String id = operator.createServers("", "ok-viewer");
        assertThat(viewer.post("/tasks/" + id + "/cancel", "").status()).isEqualTo(403);
        assertThat(viewer.post("/tasks/" + id + "/retry", "").status()).isEqualTo(403);
        assertThat(viewer.get("/tasks/" + id).status()).isEqualTo(200);
    }

    @Test
    void an_operator_may_submit_cancel_and_retry_but_not_read_the_audit_log() throws Exception {
        String id = operator.createServers(",\"priority\":1", "sleep3000-op");
        await().atMost(Duration.ofSeconds(30)).until(() -> !operator.status(id).equals("Pending"));
        assertThat(operator.post("/tasks/" + id + "/cancel", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> operator.status(id).equals("Cancelled"));
        assertThat(operator.post("/tasks/" + id + "/retry", "").status()).isEqualTo(200);
        Api.Reply audit = operator.get("/audit");
        assertThat(audit.status()).isEqualTo(403);
        assertThat(audit.error()).contains("needs the admin role");
        assertThat(admin.get("/audit").status()).isEqualTo(200);
    }

    @Test
    void metrics_need_a_viewer_token_unless_made_public() throws Exception {
        assertThat(anonymous.text("/metrics").statusCode()).isEqualTo(401);
        assertThat(viewer.text("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void the_token_command_mints_with_the_servers_key_from_its_config_file() throws Exception {
        Files.writeString(keys.resolve("orchestrator.json"), "{\"auth\": {\"hs256_secret_file\": \"jwt.secret\"}}");
        JavaCommand.Result minted = JavaCommand.run(keys, MintToken.class, "--role", "operator", "--subject", "ci-bot",
                "--ttl", "10m", "--config", "orchestrator.json");
        assertThat(minted.exit()).as(minted.stderr()).isZero();
        Api ci = anonymous.withToken(minted.stdout());
        assertThat(ci.post("/workflows/servers/create", SERVERS).status()).isEqualTo(200);
        Api.Reply who = admin.get("/audit?subject=ci-bot");
        assertThat(who.data().get(0).path("role").asText()).isEqualTo("operator");

        JavaCommand.Result badRole = JavaCommand.run(keys, MintToken.class, "--role", "root", "--subject", "x",
                "--config", "orchestrator.json");
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.stderr()).contains("--role must be viewer, operator or admin");
        JavaCommand.Result noKey = JavaCommand.run(dataDir, MintToken.class, "--role", "viewer", "--subject", "x");
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.stderr()).contains("no signing key");
    }
}
