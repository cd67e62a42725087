package io.provisioning.orchestrator.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.provisioning.orchestrator.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    MutableClock clock = MutableClock.atEpochPlusOneDay();
    RateLimiter limiter = new RateLimiter(new RateLimitSettings(60, 5), clock);

    @Test
    void lets_a_burst_through_then_refuses_with_the_seconds_until_the_next_token() {
        for (int i = 0; i < 5; i++) {
            limiter.acquire("alice");
        }
        RateLimitedException refused = catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire("alice"));
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused).hasMessageContaining("too many requests");
    }

    @Test
    void refills_at_the_configured_rate() {
        for (int i = 0; i < 5; i++) {
            limiter.acquire("alice");
        }
        clock.advance(Duration.ofMillis(999));
        assertThatThrownBy(() -> limiter.acquire("alice")).isInstanceOf(RateLimitedException.class);
        clock.advance(Duration.ofMillis(1));
        limiter.acquire("alice");
        clock.advance(Duration.ofMinutes(10));
        for (int i = 0; i < 5; i++) {
            limiter.acquire("alice");
        }
        assertThatThrownBy(() -> limiter.acquire("alice")).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void each_client_has_its_own_allowance() {
        for (int i = 0; i < 5; i++) {
            limiter.acquire("alice");
        }
        assertThatThrownBy(() -> limiter.acquire("alice")).isInstanceOf(RateLimitedException.class);
        limiter.acquire("bob");
    }

    @Test
    void a_slow_rate_says_how_long_to_wait() {
        RateLimiter slow = new RateLimiter(new RateLimitSettings(2, 1), clock);
        slow.acquire("x");
        assertThat(catchThrowableOfType(RateLimitedException.class, () -> slow.acquire("x")).retryAfterSeconds())
                .isEqualTo(30);
    }

    @Test
    void forgets_idle_clients_whose_buckets_have_refilled() {
        for (int i = 0; i < 3000; i++) {
            limiter.acquire("client-" + i);
            if (i == 1000) {
                clock.advance(Duration.ofMinutes(1));
            }
        }
        assertThat(limiter.trackedClients()).isLessThan(3000);
    }
}
