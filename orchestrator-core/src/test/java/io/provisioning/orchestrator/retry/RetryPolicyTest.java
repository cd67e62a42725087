package io.provisioning.orchestrator.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void doubles_the_delay_after_each_failed_attempt_up_to_the_cap() {
        RetryPolicy noJitterTop = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 1.0);
        assertThat(noJitterTop.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(noJitterTop.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(noJitterTop.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(noJitterTop.delayAfter(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(noJitterTop.delayAfter(60)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitter_keeps_each_delay_between_half_and_all_of_the_ceiling() {
        RetryPolicy lowest = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> 0.0);
        assertThat(lowest.delayAfter(3)).isEqualTo(Duration.ofSeconds(2));
        RetryPolicy random = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5));
        for (int i = 0; i < 1000; i++) {
            assertThat(random.delayAfter(4)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
        }
    }
}
