package io.provisioning.orchestrator.auth;

import java.util.Optional;
import java.util.regex.Pattern;

/** Reads {@code Authorization: Bearer <token>}; anything else in the header is an invalid token. */
public final class BearerHeader {
    /** A JWS in compact form: three base64url parts. Bounded so a huge header costs nothing to reject. */
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]{1,4096}\\.[A-Za-z0-9_-]{1,8192}\\.[A-Za-z0-9_-]{0,1024}");

    private BearerHeader() {}

    /** Empty when there is no header; the token when it is well formed. */
    public static Optional<String> token(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new UnauthorizedException(UnauthorizedException.Reason.INVALID);
        }
        String token = value.substring(7).strip();
        if (!COMPACT_JWS.matcher(token).matches()) {
            throw new UnauthorizedException(UnauthorizedException.Reason.INVALID);
        }
        return Optional.of(token);
    }
}
