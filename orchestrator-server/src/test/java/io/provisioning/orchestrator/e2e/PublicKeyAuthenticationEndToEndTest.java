package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import io.provisioning.orchestrator.auth.MintToken;
import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.SigningKey;
import io.provisioning.orchestrator.auth.TestKeys;
import io.provisioning.orchestrator.auth.TokenMinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RS256 with a PEM public key (from a config file) and ES256 with a JWKS: the server holds no private key. */
class PublicKeyAuthenticationEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;
    @TempDir Path keys;

    @Test
    void an_rs256_server_configured_by_file_accepts_its_keys_tokens_with_its_issuer_and_serves_public_metrics() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        KeyPair rsa = TestKeys.rsa();
        TestKeys.pem(keys.resolve("jwt.pub.pem"), "PUBLIC KEY", rsa.getPublic());
        TestKeys.pem(keys.resolve("jwt.pem"), "PRIVATE KEY", rsa.getPrivate());
        Path config = Files.writeString(keys.resolve("orchestrator.json"), """
                {"auth": {"public_key": "jwt.pub.pem", "private_key": "jwt.pem", "issuer": "https://idp.example",
                          "audience": "orchestrator-prod"},
                 "metrics": {"public": true}}""");
        try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                "--config", config.toString())) {
            JavaCommand.Result minted = JavaCommand.run(keys, MintToken.class, "--role", "viewer", "--subject", "grafana",
                    "--config", "orchestrator.json");
            assertThat(minted.exit()).as(minted.stderr()).isZero();
            Api api = server.api();
            assertThat(api.withToken(minted.stdout()).get("/tasks").status()).isEqualTo(200);
            assertThat(api.text("/metrics").statusCode()).as("public metrics").isEqualTo(200);
            assertThat(api.get("/tasks").status()).isEqualTo(401);
            String otherKey = new TokenMinter(SigningKey.of(TestKeys.rsa().getPrivate(), null), "https://idp.example",
                    "orchestrator-prod", Clock.systemUTC()).mint("grafana", Role.ADMIN, Duration.ofHours(1));
            assertThat(api.withToken(otherKey).get("/tasks").error()).isEqualTo("invalid token");
            String defaultIssuer = new TokenMinter(SigningKey.of(rsa.getPrivate(), null), "provisioning-orchestrator",
                    "orchestrator-prod", Clock.systemUTC()).mint("grafana", Role.ADMIN, Duration.ofHours(1));
            assertThat(api.withToken(defaultIssuer).get("/tasks").error()).isEqualTo("invalid token");
        }
    }

    @Test
    void an_es256_server_with_a_jwks_accepts_tokens_of_any_key_in_it_by_kid() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        KeyPair first = TestKeys.ecP256();
        KeyPair second = TestKeys.ecP256();
        ECKey one = new ECKey.Builder(Curve.P_256, (ECPublicKey) first.getPublic()).privateKey(first.getPrivate())
                .keyID("2025-a").build();
        ECKey two = new ECKey.Builder(Curve.P_256, (ECPublicKey) second.getPublic()).privateKey(second.getPrivate())
                .keyID("2025-b").build();
        Path jwks = Files.writeString(keys.resolve("jwks.json"),
                new JWKSet(java.util.List.of(one, two)).toPublicJWKSet().toString());
        Path signing = Files.writeString(keys.resolve("signing.jwks"), new JWKSet(two).toString(false));
        try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                "--auth-jwks", jwks.toString())) {
            JavaCommand.Result minted = JavaCommand.run(keys, MintToken.class, "--role", "operator", "--subject", "deployer",
                    "--jwks", signing.toString());
            assertThat(minted.exit()).as(minted.stderr()).isZero();
            Api api = server.api().withToken(minted.stdout());
            assertThat(api.createServers("", "ok-es256")).hasSize(36);
            assertThat(api.text("/metrics").statusCode()).isEqualTo(200);
            assertThat(server.api().text("/metrics").statusCode()).as("metrics not public here").isEqualTo(401);
        }
    }
}
