package io.provisioning.orchestrator.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Verifies a signed JWT with nimbus-jose-jwt: signature with the configured keys first, then, with
 * the injected clock, expiry (required), not-before, issuer, audience, subject and role. Only a
 * token with a good signature can be told it is expired; everything else is just "invalid".
 */
public final class JwtTokenVerifier implements TokenVerifier {
    private static final Pattern SUBJECT = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String issuer;
    private final String audience;
    private final Duration skew;
    private final Clock clock;

    public JwtTokenVerifier(VerificationKeys keys, AuthSettings settings, Clock clock) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(keys.algorithms(),
                new ImmutableJWKSet<>(keys.keys())));
        processor.setJWTClaimsSetVerifier((claims, context) -> { }); // checked below, against our clock
        this.issuer = settings.issuer();
        this.audience = settings.audience();
        this.skew = settings.clockSkew();
        this.clock = clock;
    }

    @Override
    public Principal verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            throw invalid();
        }
        Instant now = clock.instant();
        Date expiry = claims.getExpirationTime();
        if (expiry == null) {
            throw invalid();
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.plus(skew).isBefore(notBefore.toInstant())) {
            throw invalid();
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw invalid();
        }
        List<String> audiences = claims.getAudience();
        if (audiences == null || !audiences.contains(audience)) {
            throw invalid();
        }
        String subject = claims.getSubject();
        if (subject == null || !SUBJECT.matcher(subject).matches()) {
            throw invalid();
        }
        Role role = Role.parse(stringClaim(claims, "role")).orElseThrow(JwtTokenVerifier::invalid);
        if (!now.minus(skew).isBefore(expiry.toInstant())) {
            throw new UnauthorizedException(UnauthorizedException.Reason.EXPIRED);
        }
        return new Principal(subject, role);
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String text ? text : null;
    }

    private static UnauthorizedException invalid() {
        return new UnauthorizedException(UnauthorizedException.Reason.INVALID);
    }
}
