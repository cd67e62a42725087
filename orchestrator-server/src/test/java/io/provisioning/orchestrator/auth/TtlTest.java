package io.provisioning.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlTest {
    @Test
    void reads_lifetimes_as_people_write_them() {
        assertThat(Ttl.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Ttl.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Ttl.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Ttl.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Ttl.parse("PT2H")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void refuses_nonsense_zero_and_forever() {
        for (String bad : new String[] {"", "1y", "-1h", "0s", "400d", "h"}) {
            assertThatThrownBy(() -> Ttl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
