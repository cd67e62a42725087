package io.provisioning.orchestrator.e2e;

import io.provisioning.orchestrator.auth.AuthSettings;
import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.SigningKey;
import io.provisioning.orchestrator.auth.TokenMinter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Mints tokens for end-to-end tests the way {@code auth token} does, with the default issuer and audience. */
final class Tokens {
    private Tokens() {}

    static String hs256(Path secretFile, Role role, String subject) {
        return hs256(secretFile, role, subject, Duration.ofHours(1), Clock.systemUTC());
    }

    static String hs256(Path secretFile, Role role, String subject, Duration ttl, Clock clock) {
        return new TokenMinter(SigningKey.hs256(secretFile), AuthSettings.DEFAULT_ISSUER, AuthSettings.DEFAULT_AUDIENCE,
                clock).mint(subject, role, ttl);
    }
}
