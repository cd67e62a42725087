package io.provisioning.orchestrator.auth;

/** Who is calling: the token's subject and role, or {@link #ANONYMOUS} when authentication is off. */
public record Principal(String subject, Role role) {
    /** The caller when authentication is off: may do everything, recorded as "anonymous". */
    public static final Principal ANONYMOUS = new Principal("anonymous", Role.ADMIN);

    public boolean isAnonymous() {
        return this == ANONYMOUS;
    }
}
