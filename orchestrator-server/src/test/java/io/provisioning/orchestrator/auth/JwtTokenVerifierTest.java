package io.provisioning.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.provisioning.orchestrator.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Date;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtTokenVerifierTest {
    @TempDir Path dir;
    MutableClock clock = MutableClock.atEpochPlusOneDay();
    Path secret;
    AuthSettings settings;
    TokenVerifier verifier;
    TokenMinter minter;

    @BeforeEach
    void hs256Server() throws Exception {
        secret = TestKeys.secretFile(dir, "secret");
        settings = new AuthSettings(secret, null, null, null, null, null, Duration.ZERO, false);
        verifier = new JwtTokenVerifier(VerificationKeys.load(settings), settings, clock);
        minter = new TokenMinter(SigningKey.hs256(secret), settings.issuer(), settings.audience(), clock);
    }

    @Test
    void accepts_a_token_signed_with_the_servers_secret_and_reads_subject_and_role() {
        Principal principal = verifier.verify(minter.mint("alice", Role.OPERATOR, Duration.ofHours(1)));
        assertThat(principal).isEqualTo(new Principal("alice", Role.OPERATOR));
    }

    @Test
    void a_token_signed_with_another_secret_is_invalid() throws Exception {
        TokenMinter stranger = new TokenMinter(SigningKey.hs256(TestKeys.secretFile(dir, "other")), settings.issuer(),
                settings.audience(), clock);
        assertInvalid(stranger.mint("alice", Role.ADMIN, Duration.ofHours(1)));
    }

    @Test
    void an_expired_token_is_expired_but_only_when_its_signature_is_good() throws Exception {
        String token = minter.mint("alice", Role.VIEWER, Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(5));
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(UnauthorizedException.class)
                .hasMessage("token expired");
        TokenMinter stranger = new TokenMinter(SigningKey.hs256(TestKeys.secretFile(dir, "other")), settings.issuer(),
                settings.audience(), clock);
        String forged = stranger.mint("alice", Role.VIEWER, Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(10));
        assertInvalid(forged);
    }

    @Test
    void a_token_not_valid_yet_is_invalid() throws Exception {
        String token = minter.mint("alice", Role.VIEWER, Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(-10));
        assertInvalid(token);
    }

    @Test
    void issuer_and_audience_must_match() {
        assertInvalid(new TokenMinter(SigningKey.hs256(secret), "someone-else", settings.audience(), clock)
                .mint("alice", Role.VIEWER, Duration.ofHours(1)));
        assertInvalid(new TokenMinter(SigningKey.hs256(secret), settings.issuer(), "another-api", clock)
                .mint("alice", Role.VIEWER, Duration.ofHours(1)));
    }

    @Test
    void a_token_without_expiry_role_or_subject_is_invalid() throws Exception {
        JWTClaimsSet.Builder good = new JWTClaimsSet.Builder().issuer(settings.issuer()).audience(settings.audience())
                .subject("alice").claim("role", "admin").expirationTime(Date.from(clock.instant().plusSeconds(60)));
        assertThat(verifier.verify(hs256(good.build()))).isEqualTo(new Principal("alice", Role.ADMIN));
        assertInvalid(hs256(new JWTClaimsSet.Builder(good.build()).expirationTime(null).build()));
        assertInvalid(hs256(new JWTClaimsSet.Builder(good.build()).claim("role", "root").build()));
        assertInvalid(hs256(new JWTClaimsSet.Builder(good.build()).claim("role", null).build()));
        assertInvalid(hs256(new JWTClaimsSet.Builder(good.build()).subject(null).build()));
        assertInvalid(hs256(new JWTClaimsSet.Builder(good.build()).subject("two words").build()));
    }

    @Test
    void an_unsigned_token_is_invalid() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(settings.issuer()).audience(settings.audience())
                .subject("alice").claim("role", "admin").expirationTime(Date.from(clock.instant().plusSeconds(60))).build();
        assertInvalid(new PlainJWT(claims).serialize() + "x");
        assertInvalid(new PlainJWT(claims).serialize());
    }

    @Test
    void garbage_is_invalid_and_never_an_exception_of_another_kind() {
        for (String junk : new String[] {"", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.", "x".repeat(10_000), "..", "\u0000.\u0000.\u0000"}) {
            assertInvalid(junk);
        }
    }

    @Test
    void an_rs256_token_is_checked_with_the_public_key() throws Exception {
        KeyPair rsa = TestKeys.rsa();
        Path pub = TestKeys.pem(dir.resolve("rsa.pub.pem"), "PUBLIC KEY", rsa.getPublic());
        Path key = TestKeys.pem(dir.resolve("rsa.pem"), "PRIVATE KEY", rsa.getPrivate());
        AuthSettings rsaSettings = new AuthSettings(null, pub, null, null, null, null, null, false);
        TokenVerifier rsaVerifier = new JwtTokenVerifier(VerificationKeys.load(rsaSettings), rsaSettings, clock);
        String token = new TokenMinter(SigningKey.privateKey(key, null), rsaSettings.issuer(), rsaSettings.audience(), clock)
                .mint("ci", Role.OPERATOR, Duration.ofHours(1));
        assertThat(rsaVerifier.verify(token).role()).isEqualTo(Role.OPERATOR);
        assertThatThrownBy(() -> rsaVerifier.verify(minter.mint("ci", Role.ADMIN, Duration.ofHours(1))))
                .hasMessage("invalid token");
    }

    @Test
    void an_hs256_token_made_with_the_public_key_as_secret_is_invalid() throws Exception {
        KeyPair rsa = TestKeys.rsa();
        Path pub = TestKeys.pem(dir.resolve("rsa.pub.pem"), "PUBLIC KEY", rsa.getPublic());
        AuthSettings rsaSettings = new AuthSettings(null, pub, null, null, null, null, null, false);
        TokenVerifier rsaVerifier = new JwtTokenVerifier(VerificationKeys.load(rsaSettings), rsaSettings, clock);
        for (byte[] secretGuess : new byte[][] {Files.readAllBytes(pub), rsa.getPublic().getEncoded()}) {
            String forged = new TokenMinter(SigningKey.hs256(secretGuess), rsaSettings.issuer(), rsaSettings.audience(),
                    clock).mint("mallory", Role.ADMIN, Duration.ofHours(1));
            assertThatThrownBy(() -> rsaVerifier.verify(forged)).hasMessage("invalid token");
        }
    }

    @Test
    void an_es256_token_is_checked_with_the_jwks_key_named_by_its_kid() throws Exception {
        KeyPair first = TestKeys.ecP256();
        KeyPair second = TestKeys.ecP256();
        ECKey one = new ECKey.Builder(Curve.P_256, (ECPublicKey) first.getPublic()).privateKey(first.getPrivate()).keyID("one").build();
        ECKey two = new ECKey.Builder(Curve.P_256, (ECPublicKey) second.getPublic()).privateKey(second.getPrivate()).keyID("two").build();
        Path publicJwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(java.util.List.of(one, two)).toPublicJWKSet().toString());
        Path privateJwks = Files.writeString(dir.resolve("private.json"), new JWKSet(two).toString(false));
        AuthSettings jwksSettings = new AuthSettings(null, null, publicJwks, null, null, null, null, false);
        TokenVerifier jwksVerifier = new JwtTokenVerifier(VerificationKeys.load(jwksSettings), jwksSettings, clock);
        String token = new TokenMinter(SigningKey.fromJwks(privateJwks), jwksSettings.issuer(), jwksSettings.audience(),
                clock).mint("bob", Role.VIEWER, Duration.ofHours(1));
        assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo("two");
        assertThat(jwksVerifier.verify(token)).isEqualTo(new Principal("bob", Role.VIEWER));
    }

    @Test
    void a_short_secret_is_refused_at_start() throws Exception {
        Path shortSecret = Files.writeString(dir.resolve("short"), "too-short\n");
        assertThatThrownBy(() -> VerificationKeys.load(new AuthSettings(shortSecret, null, null, null, null, null, null, false)))
                .isInstanceOf(AuthConfigurationException.class).hasMessageContaining("shorter than 32 bytes");
    }

    @Test
    void the_bearer_header_must_be_well_formed() {
        assertThat(BearerHeader.token(null)).isEmpty();
        assertThat(BearerHeader.token("Bearer a.b.c")).contains("a.b.c");
        assertThat(BearerHeader.token("bearer  a.b.c ")).contains("a.b.c");
        for (String bad : new String[] {"Basic dXNlcjpwYXNz", "Bearer", "Bearer a b c", "Bearer a.b", "Bearer a.b.c\n.d",
            "Bearer " + "a".repeat(5000) + ".b.c"}) {
            assertThatThrownBy(() -> BearerHeader.token(bad)).as(bad).hasMessage("invalid token");
        }
    }

    private String hs256(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(VerificationKeys.secret(secret)));
        return jwt.serialize();
    }

    private void assertInvalid(String token) {
        assertThatThrownBy(() -> verifier.verify(token)).as(token.length() > 60 ? token.substring(0, 60) : token)
                .isInstanceOf(UnauthorizedException.class).hasMessage("invalid token");
    }
}
