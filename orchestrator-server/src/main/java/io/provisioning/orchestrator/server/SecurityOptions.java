package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.audit.AuditSettings;
import io.provisioning.orchestrator.auth.AuthSettings;
import io.provisioning.orchestrator.ratelimit.RateLimitSettings;
import io.provisioning.orchestrator.tls.TlsSettings;
import java.nio.file.Path;

/** Authentication, rate limiting, audit and TLS: from {@code --config} and flags, flags winning. */
public record SecurityOptions(AuthSettings auth, RateLimitSettings rateLimit, AuditSettings audit, TlsSettings tls) {
    /** Authentication, rate limiting and TLS off; audit log on in {@code <data-dir>/audit}. */
    public static SecurityOptions defaults(Path dataDir) {
        return new SecurityOptions(AuthSettings.off(), RateLimitSettings.off(), AuditSettings.in(dataDir), TlsSettings.off());
    }
}
