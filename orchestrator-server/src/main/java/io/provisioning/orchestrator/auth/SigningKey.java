package io.provisioning.orchestrator.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;

/** A key that can sign tokens, with its algorithm and optional key id (for JWKS lookups). */
public record SigningKey(JWSAlgorithm algorithm, JWSSigner signer, String keyId) {

    public static SigningKey hs256(byte[] secret) {
        try {
            return new SigningKey(JWSAlgorithm.HS256, new MACSigner(secret), null);
        } catch (JOSEException e) {
            throw new AuthConfigurationException("HS256 secret is not usable: " + e.getMessage(), e);
        }
    }

    public static SigningKey hs256(Path secretFile) {
        return hs256(VerificationKeys.secret(secretFile));
    }

    /** An RSA (RS256) or EC P-256 (ES256) private key in a PKCS#8 PEM file. */
    public static SigningKey privateKey(Path pemFile, String keyId) {
        return of(PemKeys.privateKey(pemFile), keyId);
    }

    public static SigningKey of(PrivateKey key, String keyId) {
        try {
            if (key instanceof RSAPrivateKey rsa) {
                return new SigningKey(JWSAlgorithm.RS256, new RSASSASigner(rsa), keyId);
            }
            if (key instanceof ECPrivateKey ec) {
                return new SigningKey(JWSAlgorithm.ES256, new ECDSASigner(ec), keyId);
            }
        } catch (JOSEException e) {
            throw new AuthConfigurationException("private key is not usable: " + e.getMessage(), e);
        }
        throw new AuthConfigurationException("private key must be RSA or EC P-256");
    }

    /** The first private RSA or EC key of a JWKS file, signing with its {@code kid}. */
    public static SigningKey fromJwks(Path jwksFile) {
        for (JWK jwk : VerificationKeys.jwks(jwksFile).getKeys()) {
            try {
                if (jwk instanceof RSAKey rsa && rsa.isPrivate()) {
                    return new SigningKey(JWSAlgorithm.RS256, new RSASSASigner(rsa), rsa.getKeyID());
                }
                if (jwk instanceof ECKey ec && ec.isPrivate()) {
                    return new SigningKey(JWSAlgorithm.ES256, new ECDSASigner(ec), ec.getKeyID());
                }
            } catch (JOSEException e) {
                throw new AuthConfigurationException("JWKS key " + jwk.getKeyID() + " is not usable: " + e.getMessage(), e);
            }
        }
        throw new AuthConfigurationException("JWKS " + jwksFile + " has no private RSA or EC key to sign with");
    }
}
