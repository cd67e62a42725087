package io.provisioning.orchestrator.ratelimit;

import io.provisioning.orchestrator.config.ConfigSection;
import java.util.Set;

/**
 * Requests per client per minute, with bursts of up to {@code burst} at once; 0 per minute is off.
 * A burst of 0 means "the per-minute number".
 */
public record RateLimitSettings(int perMinute, int burst) {
    public RateLimitSettings {
        if (perMinute < 0 || burst < 0) {
            throw new IllegalArgumentException("rate limits cannot be negative");
        }
        burst = burst == 0 ? perMinute : burst;
    }

    public static RateLimitSettings off() {
        return new RateLimitSettings(0, 0);
    }

    public boolean enabled() {
        return perMinute > 0;
    }

    /** The {@code rate_limit} section: {@code {"per_minute": 600, "burst": 100}}. */
    public static RateLimitSettings fromConfig(ConfigSection section, Integer perMinuteFlag, Integer burstFlag) {
        section.allowOnly(Set.of("per_minute", "burst"));
        int perMinute = perMinuteFlag != null ? perMinuteFlag : clamp(section.number("per_minute"));
        int burst = burstFlag != null ? burstFlag : clamp(section.number("burst"));
        return new RateLimitSettings(perMinute, burst);
    }

    private static int clamp(Long value) {
        return value == null ? 0 : (int) Math.max(-1, Math.min(value, 1_000_000));
    }
}
