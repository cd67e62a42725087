package io.provisioning.orchestrator.format;

import io.provisioning.orchestrator.OrchestratorVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable formats of a data dir that this build reads and writes, each at its version, and the
 * upgrade steps it carries from older versions. {@link #open} checks a data dir against them before
 * anything else touches it: an older one is upgraded in place ({@link DataDirUpgrade}), a newer one
 * refused with a sentence, and nothing changed.
 */
public final class DataFormats {
    /** The filesystem store under {@code queue.rkvs/}: its journal lines, task, queue and idempotency files. */
    public static final String FILESYSTEM_STORE = "filesystem-store";
    /** Each task's {@code logs/<id>/events.log} and the event id high-water mark. */
    public static final String TASK_EVENT_LOGS = "task-event-logs";
    /** The hash-chained audit log ({@code audit/}, or {@code --audit-dir}). */
    public static final String AUDIT_LOG = "audit-log";
    /** The test environment records, owner id and log archive under {@code testenv/}. */
    public static final String TESTENV_STORE = "testenv-store";
    /** {@code storage.json}, the backend an online migration switched to. */
    public static final String STORAGE_CHOICE = "storage-choice";

    private final Map<String, Integer> supported;
    private final List<UpgradeStep> steps;
    private final String buildVersion;

    private DataFormats(Map<String, Integer> supported, List<UpgradeStep> steps, String buildVersion) {
        this.supported = Map.copyOf(supported);
        this.steps = List.copyOf(steps);
        this.buildVersion = buildVersion;
    }

    /**
     * This build's formats: {@code filesystem-store} 2 (its task index, {@link FilesystemStoreIndexStep}),
     * every other one at version 1.
     */
    public static DataFormats current() {
        return initial().withUpgrade(new FilesystemStoreIndexStep());
    }

    /** Version 1 of every format, with no upgrade step: what a data dir without a manifest holds (and tests of the upgrade machinery). */
    public static DataFormats initial() {
        Map<String, Integer> formats = new LinkedHashMap<>();
        for (String format : List.of(FILESYSTEM_STORE, TASK_EVENT_LOGS, AUDIT_LOG, TESTENV_STORE, STORAGE_CHOICE)) {
            formats.put(format, 1);
        }
        return new DataFormats(formats, List.of(), OrchestratorVersion.current());
    }

    /** These formats, with {@code step} added: its format is then supported at the version the step leaves. */
    public DataFormats withUpgrade(UpgradeStep step) {
        FormatVersion from = step.from();
        if (!supported.containsKey(from.format()) || supported.get(from.format()) != from.version()) {
            throw new IllegalArgumentException("an upgrade step must start at the supported version: " + from
                    + " (supported: " + supported + ")");
        }
        Map<String, Integer> formats = new LinkedHashMap<>(supported);
        formats.put(from.format(), from.version() + 1);
        List<UpgradeStep> all = new ArrayList<>(steps);
        all.add(step);
        return new DataFormats(formats, all, buildVersion);
    }

    /** The version this build writes of each format. */
    public Map<String, Integer> supported() {
        return supported;
    }

    public String buildVersion() {
        return buildVersion;
    }

    List<UpgradeStep> steps() {
        return steps;
    }

    /** The manifest this build writes for a data dir whose formats are all current. */
    FormatManifest currentManifest() {
        return new FormatManifest(FormatManifest.MANIFEST_VERSION, buildVersion, supported);
    }

    /**
     * Makes {@code dataDir} ready for this build, or refuses it: a new or empty dir gets the current
     * manifest; a dir of today's layout without one is version 1 of everything; an older one is
     * upgraded (after a full copy is kept); a newer one, or an unknown format, is refused with
     * nothing changed.
     *
     * @return the formats the data dir holds now
     * @throws UnsupportedFormatException with the sentence to show the operator
     */
    public FormatManifest open(Path dataDir) {
        return new DataDirUpgrade(this, dataDir).run();
    }
}
