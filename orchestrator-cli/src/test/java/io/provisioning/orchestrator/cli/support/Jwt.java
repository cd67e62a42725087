package io.provisioning.orchestrator.cli.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made HS256 tokens with the claims the orchestrator checks (iss, aud, sub, role, exp). */
public final class Jwt {
    private static final String AUDIENCE = "provisioning-orchestrator";

    private Jwt() {}

    public static String hs256(String secret, String subject, String role, Duration ttl) {
        Instant now = Instant.now();
        String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        String claims = "{\"sub\":\"" + subject + "\",\"iss\":\"" + AUDIENCE + "\",\"aud\":\"" + AUDIENCE + "\","
                + "\"iat\":" + now.getEpochSecond() + ",\"nbf\":" + now.minusSeconds(5).getEpochSecond() + ","
                + "\"exp\":" + now.plus(ttl).getEpochSecond() + ",\"jti\":\"" + UUID.randomUUID() + "\","
                + "\"role\":\"" + role + "\"}";
        String signingInput = encode(header.getBytes(StandardCharsets.UTF_8)) + "."
                + encode(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
