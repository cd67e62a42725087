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

    /**
     * Whether this profile gives a container more than Docker's default: added capabilities, or
     * seccomp / AppArmor / SELinux confinement switched off (e.g. {@code nested}).
     */
    public boolean privileged() {
        return !capAdd.isEmpty() || securityOpt.stream().anyMatch(o -> o.contains("unconfined") || o.startsWith("label=disable")
                || o.equals("label:disable") || o.startsWith("no-new-privileges=false") || o.startsWith("no-new-privileges:false"));
    }
}
