package io.provisioning.orchestrator.testenv.catalog;

import java.util.List;

/** Extra container privileges a taskserv may need (never {@code --privileged}). */
public record Profile(List<String> capAdd, List<String> capDrop, List<String> securityOpt) {
    public Profile {
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        securityOpt = securityOpt == null ? List.of() : List.copyOf(securityOpt);
    }

    public static final Profile NONE = new Profile(null, null, null);
}
