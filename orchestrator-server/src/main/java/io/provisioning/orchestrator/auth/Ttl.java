package io.provisioning.orchestrator.auth;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Token lifetimes as people write them: {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}, or ISO {@code PT1H}. */
public final class Ttl {
    public static final Duration MAX = Duration.ofDays(366);
    private static final Pattern SHORT = Pattern.compile("(\\d{1,7})([smhd])");

    private Ttl() {}

    public static Duration parse(String text) {
        Duration ttl;
        Matcher m = SHORT.matcher(text == null ? "" : text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            ttl = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                ttl = Duration.parse(text == null ? "" : text.trim());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("a lifetime looks like 90s, 15m, 1h or 7d; got '" + text + "'");
            }
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("a lifetime must be more than 0 and at most 366d; got '" + text + "'");
        }
        return ttl;
    }
}
