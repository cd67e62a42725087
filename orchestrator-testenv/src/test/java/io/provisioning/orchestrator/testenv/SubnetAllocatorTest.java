package io.provisioning.orchestrator.testenv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.ConflictException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubnetAllocatorTest {

    @Test
    void a_free_subnet_is_kept_as_asked() {
        assertThat(SubnetAllocator.choose("172.30.20.0/24", true, List.of("172.17.0.0/16", "172.30.40.0/24")))
                .isEqualTo("172.30.20.0/24");
    }

    @Test
    void a_templates_subnet_that_is_taken_moves_to_the_first_free_172_30_x_0_24() {
        assertThat(SubnetAllocator.choose("172.30.20.0/24", true,
                List.of("172.30.20.0/24", "172.30.0.0/24", "172.30.1.0/25"))).isEqualTo("172.30.2.0/24");
    }

    @Test
    void a_subnet_asked_for_inline_that_overlaps_a_live_one_is_a_conflict() {
        assertThatThrownBy(() -> SubnetAllocator.choose("10.1.2.16/28", false, List.of("10.1.0.0/22")))
                .isInstanceOf(ConflictException.class).hasMessageContaining("overlaps 10.1.0.0/22");
    }

    @Test
    void no_subnet_asked_for_lets_docker_choose() {
        assertThat(SubnetAllocator.choose(null, true, List.of())).isNull();
    }

    @Test
    void subnets_overlap_when_one_contains_the_other() {
        assertThat(Subnet.parseAny("10.0.0.0/8").overlaps(Subnet.parse("s", "10.9.9.0/24"))).isTrue();
        assertThat(Subnet.parse("s", "192.168.1.0/24").overlaps(Subnet.parse("s", "192.168.2.0/24"))).isFalse();
    }
}
