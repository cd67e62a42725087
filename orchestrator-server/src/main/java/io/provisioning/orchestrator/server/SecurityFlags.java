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
    @Option(names = "--config", description = "JSON config file: a server section with any server flag (data_dir, workers, ...) and auth, metrics, rate_limit, audit and tls sections")
    Path config;

    @ConfigKey("auth.hs256_secret_file")
    @Option(names = "--auth-hs256-secret-file", description = "turn authentication on: verify HS256 tokens with this shared secret (at least 32 bytes)")
    Path hs256SecretFile;

    @ConfigKey("auth.public_key")
    @Option(names = "--auth-public-key", description = "turn authentication on: verify RS256/ES256 tokens with this PEM public key")
    Path publicKey;

    @ConfigKey("auth.jwks")
    @Option(names = "--auth-jwks", description = "turn authentication on: verify RS256/ES256 tokens with the keys of this JWKS file")
    Path jwks;

    @ConfigKey("auth.issuer")
    @Option(names = "--auth-issuer", description = "required iss claim (default: " + AuthSettings.DEFAULT_ISSUER + ")")
    String issuer;

    @ConfigKey("auth.audience")
    @Option(names = "--auth-audience", description = "required aud claim (default: " + AuthSettings.DEFAULT_AUDIENCE + ")")
    String audience;

    @ConfigKey("metrics.public")
    @Option(names = "--metrics-public", description = "serve /metrics without a token even when authentication is on")
    Boolean metricsPublic;

    @ConfigKey("rate_limit.per_minute")
    @Option(names = "--rate-limit-per-minute", description = "requests per client per minute; 0 = no limit (default: 0)")
    Integer rateLimitPerMinute;

    @ConfigKey("rate_limit.burst")
    @Option(names = "--rate-limit-burst", description = "requests a client may send at once (default: the per-minute number)")
    Integer rateLimitBurst;

    @ConfigKey("audit.dir")
    @Option(names = "--audit-dir", description = "where the audit log lives (default: <data-dir>/audit)")
    Path auditDir;

    @ConfigKey("audit.max_file_bytes")
    @Option(names = "--audit-max-file-bytes", description = "rotate audit.log at this size (default: " + AuditSettings.DEFAULT_MAX_FILE_BYTES + ")")
    Long auditMaxFileBytes;

    @ConfigKey("audit.enabled")
    @Option(names = "--no-audit", description = "keep no audit log")
    boolean noAudit;

    @ConfigKey("tls.keystore")
    @Option(names = "--tls-keystore", description = "serve HTTPS with the key and certificate of this PKCS#12 keystore")
    Path tlsKeystore;

    @ConfigKey("tls.keystore_password_file")
    @Option(names = "--tls-keystore-password-file", description = "file holding the keystore's password")
    Path tlsPasswordFile;

    SecurityOptions resolve(Path dataDir) {
        ConfigSection file = config != null ? ConfigSection.read(config) : ConfigSection.empty();
        file.allowOnly(Set.of("auth", "metrics", "rate_limit", "audit", "tls", EnvironmentDefaults.SERVER_SECTION));
        ConfigSection metrics = file.section("metrics").allowOnly(Set.of("public"));
        AuthSettings auth = AuthSettings.fromConfig(file.section("auth"), Boolean.TRUE.equals(metrics.bool("public")))
                .overriddenBy(hs256SecretFile, publicKey, jwks, issuer, audience, metricsPublic);
        RateLimitSettings rateLimit = RateLimitSettings.fromConfig(file.section("rate_limit"), rateLimitPerMinute,
                rateLimitBurst);
        AuditSettings audit = AuditSettings.fromConfig(file.section("audit"), dataDir, noAudit ? Boolean.FALSE : null,
                auditDir, auditMaxFileBytes);
        TlsSettings tls = TlsSettings.fromConfig(file.section("tls"), tlsKeystore, tlsPasswordFile);
        return new SecurityOptions(auth, rateLimit, audit, tls);
    }
}
