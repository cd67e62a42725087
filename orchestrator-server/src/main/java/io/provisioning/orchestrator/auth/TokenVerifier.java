package io.provisioning.orchestrator.auth;

/** The auth provider extension point: turns a bearer token into a caller, or refuses it. */
public interface TokenVerifier {
    /** @throws UnauthorizedException (INVALID or EXPIRED) when the token is not acceptable */
    Principal verify(String token);
}
