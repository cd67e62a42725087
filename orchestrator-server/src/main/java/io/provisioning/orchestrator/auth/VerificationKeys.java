package io.provisioning.orchestrator.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys tokens may be signed with, and the algorithms each allows. Key type binds algorithm
 * (a shared secret only verifies HS256, an RSA key only RS256, a P-256 key only ES256), so a token
 * cannot choose how it is checked.
 */
public record VerificationKeys(JWKSet keys, Set<JWSAlgorithm> algorithms) {
    /** HS256 needs a secret of at least 256 bits. */
    static final int MIN_SECRET_BYTES = 32;

    public static VerificationKeys load(AuthSettings settings) {
        List<JWK> keys = new ArrayList<>();
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        if (settings.hs256SecretFile() != null) {
            keys.add(new OctetSequenceKey.Builder(secret(settings.hs256SecretFile()))
                    .algorithm(JWSAlgorithm.HS256).keyUse(KeyUse.SIGNATURE).build());
            algorithms.add(JWSAlgorithm.HS256);
        }
        if (settings.publicKey() != null) {
            JWK key = fromPublicKey(PemKeys.publicKey(settings.publicKey()), settings.publicKey());
            keys.add(key);
            algorithms.add((JWSAlgorithm) key.getAlgorithm());
        }
        if (settings.jwks() != null) {
            for (JWK key : jwks(settings.jwks()).getKeys()) {
                JWK usable = usablePublicKey(key);
                if (usable != null) {
                    keys.add(usable);
                    algorithms.add((JWSAlgorithm) usable.getAlgorithm());
                }
            }
            if (algorithms.isEmpty() || keys.isEmpty()) {
                throw new AuthConfigurationException("JWKS " + settings.jwks() + " has no RSA or P-256 EC signing key");
            }
        }
        if (keys.isEmpty()) {
            throw new AuthConfigurationException("authentication needs a key: an HS256 secret file, a public key or a JWKS");
        }
        return new VerificationKeys(new JWKSet(keys), Set.copyOf(algorithms));
    }

    /** The secret as stored: the file's bytes without trailing whitespace (a final newline is not part of it). */
    public static byte[] secret(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AuthConfigurationException("cannot read HS256 secret file " + file + ": " + e.getMessage(), e);
        }
        int end = bytes.length;
        while (end > 0 && Character.isWhitespace(bytes[end - 1])) {
            end--;
        }
        if (end < MIN_SECRET_BYTES) {
            throw new AuthConfigurationException("HS256 secret in " + file + " is shorter than " + MIN_SECRET_BYTES
                    + " bytes; make one with: head -c 48 /dev/urandom | base64 > " + file.getFileName());
        }
        return java.util.Arrays.copyOf(bytes, end);
    }

    static JWKSet jwks(Path file) {
        try {
            return JWKSet.load(file.toFile());
        } catch (IOException | ParseException e) {
            throw new AuthConfigurationException("cannot read JWKS " + file + ": " + e.getMessage(), e);
        }
    }

    private static JWK fromPublicKey(PublicKey key, Path file) {
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).build();
        }
        if (key instanceof ECPublicKey ec && Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
            return new ECKey.Builder(Curve.P_256, ec).algorithm(JWSAlgorithm.ES256).keyUse(KeyUse.SIGNATURE).build();
        }
        throw new AuthConfigurationException("public key " + file + " must be RSA (RS256) or EC P-256 (ES256)");
    }

    private static JWK usablePublicKey(JWK key) {
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return null;
        }
        if (key instanceof RSAKey rsa) {
            return new RSAKey.Builder(rsa.toPublicJWK()).algorithm(JWSAlgorithm.RS256).build();
        }
        if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
            return new ECKey.Builder(ec.toPublicJWK()).algorithm(JWSAlgorithm.ES256).build();
        }
        return null; // shared secrets never come from a JWKS, and other curves are not supported
    }
}
