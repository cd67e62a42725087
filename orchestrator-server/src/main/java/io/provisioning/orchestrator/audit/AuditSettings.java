package io.provisioning.orchestrator.audit;

import io.provisioning.orchestrator.config.ConfigSection;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where the audit log lives (default {@code <data-dir>/audit}), the size at which a file is rotated,
 * and what happens when an entry cannot be written: by default ({@code failOpen} false) a mutating
 * request is refused with 503 and changes nothing; with {@code failOpen} it goes on, and the entries
 * that could not be written are recorded as one gap entry once the log can be written again.
 */
public record AuditSettings(boolean enabled, Path dir, long maxFileBytes, boolean failOpen) {
    public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024;
    /** Smaller files would rotate on nearly every entry. */
    public static final long MIN_FILE_BYTES = 4096;

    public AuditSettings {
        if (maxFileBytes < MIN_FILE_BYTES) {
            throw new IllegalArgumentException("audit files must be allowed at least " + MIN_FILE_BYTES + " bytes");
        }
    }

    public AuditSettings(boolean enabled, Path dir, long maxFileBytes) {
        this(enabled, dir, maxFileBytes, false);
    }

    public static AuditSettings in(Path dataDir) {
        return new AuditSettings(true, dataDir.resolve("audit"), DEFAULT_MAX_FILE_BYTES);
    }

    /**
     * The {@code audit} section: {@code {"enabled": true, "dir": "...", "max_file_bytes": 10485760,
     * "fail_open": false}}; flags win.
     */
    public static AuditSettings fromConfig(ConfigSection section, Path dataDir, Boolean enabledFlag, Path dirFlag,
            Long maxBytesFlag, boolean failOpenFlag) {
        section.allowOnly(Set.of("enabled", "dir", "max_file_bytes", "fail_open"));
        Boolean failOpen = failOpenFlag ? Boolean.TRUE : section.bool("fail_open");
        Boolean enabled = enabledFlag != null ? enabledFlag : section.bool("enabled");
        Path dir = dirFlag != null ? dirFlag : section.path("dir");
        Long max = maxBytesFlag != null ? maxBytesFlag : section.number("max_file_bytes");
        return new AuditSettings(enabled == null || enabled, dir != null ? dir : dataDir.resolve("audit"),
                max != null ? max : DEFAULT_MAX_FILE_BYTES, Boolean.TRUE.equals(failOpen));
    }
}
