package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.audit.AuditSettings;
import io.provisioning.orchestrator.auth.AuthSettings;
import io.provisioning.orchestrator.config.ConfigSection;
import io.provisioning.orchestrator.ratelimit.RateLimitSettings;
import io.provisioning.orchestrator.tls.TlsSettings;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.Option;

/** The server's security and operations flags; each overrides the same setting in {@code --config}. */
final class SecurityFlags {
    @Option(names = "--config", description = "JSON config file with auth, metrics, rate_limit, audit and tls sections")
    Path config;

    @Option(names = "--auth-hs256-secret-file", description = "turn authentication on: verify HS256 tokens with this shared secret (at least 32 bytes)")
    Path hs256SecretFile;

    @Option(names = "--auth-public-key", description = "turn authentication on: verify RS256/ES256 tokens with this PEM public key")
    Path publicKey;

    @Option(names = "--auth-jwks", description = "turn authentication on: verify RS256/ES256 tokens with the keys of this JWKS file")
    Path jwks;

    @Option(names = "--auth-issuer", description = "required iss claim (default: " + AuthSettings.DEFAULT_ISSUER + ")")
    String issuer;

    @Option(names = "--auth-audience", description = "required aud claim (default: " + AuthSettings.DEFAULT_AUDIENCE + ")")
    String audience;

    @Option(names = "--metrics-public", description = "serve /metrics without a token even when authentication is on")
    Boolean metricsPublic;

    @Option(names = "--rate-limit-per-minute", description = "requests per client per minute; 0 = no limit (default: 0)")
    Integer rateLimitPerMinute;

    @Option(names = "--rate-limit-burst", description = "requests a client may send at once (default: the per-minute number)")
    Integer rateLimitBurst;

    @Option(names = "--audit-dir", description = "where the audit log lives (default: <data-dir>/audit)")
    Path auditDir;

    @Option(names = "--audit-max-file-bytes", description = "rotate audit.log at this size (default: " + AuditSettings.DEFAULT_MAX_FILE_BYTES + ")")
    Long auditMaxFileBytes;

    @Option(names = "--audit-fail-open", description = "when the audit log cannot be written (disk full), go on"
            + " taking requests and record the missing entries as one gap entry once it can; by default such"
            + " requests are refused with 503 and change nothing")
    boolean auditFailOpen;

    @Option(names = "--no-audit", description = "keep no audit log")
    boolean noAudit;

    @Option(names = "--tls-keystore", description = "serve HTTPS with the key and certificate of this PKCS#12 keystore")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password-file", description = "file holding the keystore's password")
    Path tlsPasswordFile;

    SecurityOptions resolve(Path dataDir) {
        ConfigSection file = config != null ? ConfigSection.read(config) : ConfigSection.empty();
        file.allowOnly(Set.of("auth", "metrics", "rate_limit", "audit", "tls"));
        ConfigSection metrics = file.section("metrics").allowOnly(Set.of("public"));
        AuthSettings auth = AuthSettings.fromConfig(file.section("auth"), Boolean.TRUE.equals(metrics.bool("public")))
                .overriddenBy(hs256SecretFile, publicKey, jwks, issuer, audience, metricsPublic);
        RateLimitSettings rateLimit = RateLimitSettings.fromConfig(file.section("rate_limit"), rateLimitPerMinute,
                rateLimitBurst);
        AuditSettings audit = AuditSettings.fromConfig(file.section("audit"), dataDir, noAudit ? Boolean.FALSE : null,
                auditDir, auditMaxFileBytes, auditFailOpen);
        TlsSettings tls = TlsSettings.fromConfig(file.section("tls"), tlsKeystore, tlsPasswordFile);
        return new SecurityOptions(auth, rateLimit, audit, tls);
    }
}
