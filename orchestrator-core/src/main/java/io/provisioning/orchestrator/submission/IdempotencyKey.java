package io.provisioning.orchestrator.submission;

import io.provisioning.orchestrator.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * An {@code Idempotency-Key} and the hash of the request it came with: the same key with the same
 * request is the same submission; with another request it is a conflict.
 */
public record IdempotencyKey(String key, String requestHash) {
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7e]{1,200}");

    /**
     * The key of a request, or null without one. {@code kind} names what was asked for (a workflow
     * kind, or {@code BATCH}) so that one body sent to two routes is two requests.
     */
    public static IdempotencyKey of(String header, String kind, Object body) {
        if (header == null) {
            return null;
        }
        if (!VALID.matcher(header).matches()) {
            throw new InvalidRequestException("header 'Idempotency-Key' must be 1 to 200 visible ASCII characters");
        }
        return new IdempotencyKey(header, sha256(kind + "\n" + body));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
