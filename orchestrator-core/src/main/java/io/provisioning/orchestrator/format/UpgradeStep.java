package io.provisioning.orchestrator.format;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Rewrites one format of a data dir from version {@link #from()} to the next one. It runs after a
 * full copy of the data dir was kept, and may be interrupted at any point (SIGKILL): the upgrade is
 * then resumed from that copy, so a step need not be idempotent, only deterministic.
 */
public interface UpgradeStep {
    /** The format and the version this step reads; it leaves version {@code from().version() + 1}. */
    FormatVersion from();

    void apply(Path dataDir) throws IOException;
}
