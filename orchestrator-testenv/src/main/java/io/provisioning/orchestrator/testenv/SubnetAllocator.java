package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.ConflictException;
import java.util.List;
import java.util.Objects;

/**
 * Chooses an environment's subnet. One asked for must not overlap a live environment or any
 * Docker network (409 otherwise); a template's default that is taken is replaced by the first
 * free 172.30.x.0/24 (docker-up keeps 172.30.0.0/16 out of Docker's own pools).
 */
final class SubnetAllocator {

    /** {@code taken}: subnets of live environments and of every Docker network, as CIDR text. */
    static String choose(String requested, boolean mayMove, List<String> taken) {
        if (requested == null) {
            return null;
        }
        Subnet wanted = Subnet.parse("topology.network.subnet", requested);
        List<Subnet> used = taken.stream().map(Subnet::parseAny).filter(Objects::nonNull).toList();
        Subnet clash = used.stream().filter(wanted::overlaps).findFirst().orElse(null);
        if (clash == null) {
            return wanted.toString();
        }
        if (!mayMove) {
            throw new ConflictException("subnet " + wanted + " overlaps " + clash + ", which a live environment or "
                    + "Docker network uses; give another private subnet or leave it out");
        }
        for (int x = 0; x < 256; x++) {
            Subnet candidate = Subnet.parse("subnet", "172.30." + x + ".0/24");
            if (used.stream().noneMatch(candidate::overlaps)) {
                return candidate.toString();
            }
        }
        throw new ConflictException("no free 172.30.x.0/24 subnet is left; delete some environments");
    }
}
