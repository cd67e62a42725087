package io.provisioning.orchestrator.auth;

import io.provisioning.orchestrator.config.ConfigSection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * How callers prove who they are. Authentication is on when any verification key is given:
 * an HS256 shared secret, an RS256/ES256 public key (PEM), or a JWKS file. Issuer and audience
 * are always checked; they default to {@link #DEFAULT_ISSUER} and {@link #DEFAULT_AUDIENCE}.
 * {@code privateKey} is only for minting tokens ({@code auth token}); the server never needs it.
 */
public record AuthSettings(
        Path hs256SecretFile,
        Path publicKey,
        Path jwks,
        Path privateKey,
        String issuer,
        String audience,
        Duration clockSkew,
        boolean metricsPublic) {
    public static final String DEFAULT_ISSUER = "provisioning-orchestrator";
    public static final String DEFAULT_AUDIENCE = "provisioning-orchestrator";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    public AuthSettings {
        issuer = issuer == null || issuer.isBlank() ? DEFAULT_ISSUER : issuer;
        audience = audience == null || audience.isBlank() ? DEFAULT_AUDIENCE : audience;
        clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
    }

    public static AuthSettings off() {
        return new AuthSettings(null, null, null, null, null, null, null, false);
    }

    /** The {@code auth} section of the config file; {@code "enabled": false} turns it off whatever keys it names. */
    public static AuthSettings fromConfig(ConfigSection auth, boolean metricsPublic) {
        auth.allowOnly(Set.of("enabled", "hs256_secret_file", "public_key", "jwks", "private_key", "issuer", "audience",
                "clock_skew_seconds"));
        if (Boolean.FALSE.equals(auth.bool("enabled"))) {
            return new AuthSettings(null, null, null, null, null, null, null, metricsPublic);
        }
        Long skew = auth.number("clock_skew_seconds");
        return new AuthSettings(auth.path("hs256_secret_file"), auth.path("public_key"), auth.path("jwks"),
                auth.path("private_key"), auth.string("issuer"), auth.string("audience"),
                skew == null ? null : Duration.ofSeconds(Math.max(0, Math.min(skew, 600))), metricsPublic);
    }

    /** These settings with every non-null argument (from command-line flags) taking precedence. */
    public AuthSettings overriddenBy(Path hs256SecretFile, Path publicKey, Path jwks, String issuer, String audience,
            Boolean metricsPublic) {
        return new AuthSettings(
                hs256SecretFile != null ? hs256SecretFile : this.hs256SecretFile,
                publicKey != null ? publicKey : this.publicKey,
                jwks != null ? jwks : this.jwks,
                privateKey,
                issuer != null ? issuer : this.issuer,
                audience != null ? audience : this.audience,
                clockSkew,
                metricsPublic != null ? metricsPublic : this.metricsPublic);
    }

    public boolean enabled() {
        return hs256SecretFile != null || publicKey != null || jwks != null;
    }
}
