package io.provisioning.orchestrator.storage.migration;

/** Told how far a migration has come: {@code phase} is counting, copying or verifying. */
@FunctionalInterface
public interface MigrationProgress {
    void update(String phase, long done, long total);

    MigrationProgress NONE = (phase, done, total) -> { };
}
