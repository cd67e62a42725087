package io.provisioning.orchestrator.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirUpgradeTest {
    @TempDir
    Path dir;

    /** A data dir of today's layout: no manifest, a task file and an events log. */
    private Path legacyDataDir() throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("queue.rkvs/tasks"));
        Files.writeString(data.resolve("queue.rkvs/tasks/a.json"), "{\"id\":\"a\"}");
        Files.writeString(data.resolve("queue.rkvs/tasks/b.json"), "{\"id\":\"b\"}");
        Files.createDirectories(data.resolve("logs/a"));
        Files.writeString(data.resolve("logs/a/events.log"), "{\"id\":1}\n");
        return data;
    }

    /** A test-only version 2 of the task files: each gets a field, and a hook may stop it half way. */
    static final class AddField implements UpgradeStep {
        private final int crashAfter;
        int applied;

        AddField(int crashAfter) {
            this.crashAfter = crashAfter;
        }

        @Override
        public FormatVersion from() {
            return new FormatVersion(DataFormats.FILESYSTEM_STORE, 1);
        }

        @Override
        public void apply(Path dataDir) throws IOException {
            applied++;
            try (Stream<Path> files = Files.list(dataDir.resolve("queue.rkvs/tasks"))) {
                int n = 0;
                for (Path file : files.sorted().toList()) {
                    if (n++ == crashAfter) {
                        throw new Crash();
                    }
                    String json = Files.readString(file);
                    Files.writeString(file, json.replace("}", ",\"v2\":true}"));
                }
            }
        }
    }

    /** Stands for a SIGKILL in the middle of a step: nothing after it runs. */
    static final class Crash extends RuntimeException {}

    @Test
    void a_new_data_dir_gets_the_current_manifest() throws IOException {
        FormatManifest manifest = DataFormats.initial().open(dir.resolve("fresh"));
        assertThat(manifest.formats()).isEqualTo(DataFormats.initial().supported());
        assertThat(FormatManifest.read(dir.resolve("fresh")).orElseThrow().formats())
                .containsEntry(DataFormats.FILESYSTEM_STORE, 1).containsEntry(DataFormats.AUDIT_LOG, 1)
                .containsEntry(DataFormats.TESTENV_STORE, 1).containsEntry(DataFormats.STORAGE_CHOICE, 1)
                .containsEntry(DataFormats.TASK_EVENT_LOGS, 1);
    }

    @Test
    void todays_layout_without_a_manifest_is_version_1_and_only_gains_the_manifest() throws IOException {
        Path data = legacyDataDir();
        Map<String, String> before = tree(data);
        FormatManifest manifest = DataFormats.initial().open(data);
        assertThat(manifest.formats()).isEqualTo(DataFormats.initial().supported());
        Map<String, String> after = tree(data);
        after.remove(FormatManifest.FILE);
        after.remove("format.lock");
        assertThat(after).isEqualTo(before);
        try (Stream<Path> entries = Files.list(data)) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("backup-before-upgrade-"));
        }
    }

    @Test
    void a_newer_format_is_refused_with_a_sentence_and_nothing_changes() throws IOException {
        Path data = legacyDataDir();
        new FormatManifest(1, "9.0.0", Map.of(DataFormats.FILESYSTEM_STORE, 3, DataFormats.AUDIT_LOG, 1)).write(data);
        Map<String, String> before = tree(data);
        assertThatThrownBy(() -> DataFormats.initial().open(data)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("holds filesystem-store format version 3 (written by orchestrator 9.0.0)")
                .hasMessageContaining("supports up to version 1")
                .hasMessageContaining("start orchestrator 9.0.0 or a newer one on it, or restore the backup")
                .hasMessageEndingWith("nothing was changed");
        assertThat(tree(data)).isEqualTo(before);
    }

    @Test
    void an_unknown_format_and_a_newer_manifest_are_refused_and_nothing_changes() throws IOException {
        Path data = legacyDataDir();
        new FormatManifest(1, "9.0.0", Map.of("job-archive", 1)).write(data);
        Map<String, String> before = tree(data);
        assertThatThrownBy(() -> DataFormats.initial().open(data)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("holds job-archive format version 1").hasMessageContaining("supports no such format");
        new FormatManifest(2, "9.0.0", Map.of()).write(data);
        Map<String, String> newer = tree(data);
        assertThatThrownBy(() -> DataFormats.initial().open(data)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("is manifest version 2");
        assertThat(tree(data)).isEqualTo(newer);
        assertThat(before).isNotEmpty();
    }

    @Test
    void an_upgrade_keeps_a_copy_runs_its_step_and_writes_the_manifest_last() throws IOException {
        Path data = legacyDataDir();
        Map<String, String> before = tree(data);
        AddField step = new AddField(Integer.MAX_VALUE);
        FormatManifest manifest = DataFormats.initial().withUpgrade(step).open(data);
        assertThat(manifest.versionOf(DataFormats.FILESYSTEM_STORE)).isEqualTo(2);
        assertThat(step.applied).isEqualTo(1);
        assertThat(Files.readString(data.resolve("queue.rkvs/tasks/a.json"))).isEqualTo("{\"id\":\"a\",\"v2\":true}");
        assertThat(data.resolve(DataDirUpgrade.MARKER)).doesNotExist();
        Path backup = onlyBackup(data);
        assertThat(backup.getFileName().toString()).startsWith("backup-before-upgrade-unversioned-");
        assertThat(tree(backup)).isEqualTo(before);
        // opened again: nothing to do
        AddField again = new AddField(Integer.MAX_VALUE);
        DataFormats.initial().withUpgrade(again).open(data);
        assertThat(again.applied).isZero();
        // and the older build now refuses it, unchanged
        Map<String, String> upgraded = tree(data);
        assertThatThrownBy(() -> DataFormats.initial().open(data)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("holds filesystem-store format version 2");
        assertThat(tree(data)).isEqualTo(upgraded);
    }

    @Test
    void an_upgrade_stopped_half_way_resumes_from_the_copy_and_ends_as_a_clean_one() throws IOException {
        Path data = legacyDataDir();
        Map<String, String> before = tree(data);
        assertThatThrownBy(() -> DataFormats.initial().withUpgrade(new AddField(1)).open(data))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("start the orchestrator again");
        // half done: a.json has the field, b.json not; the marker says an upgrade is under way; the manifest is old
        assertThat(Files.readString(data.resolve("queue.rkvs/tasks/a.json"))).contains("v2");
        assertThat(Files.readString(data.resolve("queue.rkvs/tasks/b.json"))).doesNotContain("v2");
        assertThat(data.resolve(DataDirUpgrade.MARKER)).exists();
        assertThat(data.resolve(FormatManifest.FILE)).doesNotExist();
        // an older build refuses to touch a half-upgraded dir
        assertThatThrownBy(() -> DataFormats.initial().open(data)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("was interrupted");
        FormatManifest manifest = DataFormats.initial().withUpgrade(new AddField(Integer.MAX_VALUE)).open(data);
        assertThat(manifest.versionOf(DataFormats.FILESYSTEM_STORE)).isEqualTo(2);
        // exactly one field each: the step ran again on the restored copy, not on the half-done files
        assertThat(Files.readString(data.resolve("queue.rkvs/tasks/a.json"))).isEqualTo("{\"id\":\"a\",\"v2\":true}");
        assertThat(Files.readString(data.resolve("queue.rkvs/tasks/b.json"))).isEqualTo("{\"id\":\"b\",\"v2\":true}");
        assertThat(tree(onlyBackup(data))).isEqualTo(before);
        assertThat(data.resolve(DataDirUpgrade.MARKER)).doesNotExist();
    }

    @Test
    void a_copy_cut_short_is_thrown_away_and_made_again() throws IOException {
        Path data = legacyDataDir();
        Map<String, String> before = tree(data);
        Path partial = data.resolve(".backup-before-upgrade-unversioned-x.partial/queue.rkvs");
        Files.createDirectories(partial);
        Files.writeString(partial.resolve("half"), "cut short");
        DataFormats.initial().withUpgrade(new AddField(Integer.MAX_VALUE)).open(data);
        assertThat(data.resolve(".backup-before-upgrade-unversioned-x.partial")).doesNotExist();
        assertThat(tree(onlyBackup(data))).isEqualTo(before);
    }

    @Test
    void a_marker_left_after_the_manifest_was_written_is_just_removed() throws IOException {
        Path data = legacyDataDir();
        DataFormats v2 = DataFormats.initial().withUpgrade(new AddField(Integer.MAX_VALUE));
        v2.open(data);
        String backup = onlyBackup(data).getFileName().toString();
        new DataDirUpgrade.Marker(backup, Map.of(), v2.supported(), "test").write(data);
        AddField step = new AddField(Integer.MAX_VALUE);
        DataFormats.initial().withUpgrade(step).open(data);
        assertThat(step.applied).isZero();
        assertThat(data.resolve(DataDirUpgrade.MARKER)).doesNotExist();
        assertThat(Files.readString(data.resolve("queue.rkvs/tasks/a.json"))).isEqualTo("{\"id\":\"a\",\"v2\":true}");
    }

    @Test
    void an_unreadable_manifest_is_refused_not_guessed() throws IOException {
        Path data = legacyDataDir();
        Files.writeString(data.resolve(FormatManifest.FILE), "{\"formats\": ");
        Map<String, String> before = tree(data);
        assertThatThrownBy(() -> DataFormats.initial().open(data)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("cannot read").hasMessageContaining("restore it from a backup");
        assertThat(tree(data)).isEqualTo(before);
    }

    private static Path onlyBackup(Path data) throws IOException {
        try (Stream<Path> entries = Files.list(data)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("backup-before-upgrade-")).reduce((a, b) -> {
                throw new AssertionError("more than one copy: " + a + ", " + b);
            }).orElseThrow(() -> new AssertionError("no copy kept in " + data));
        }
    }

    /** Every file under {@code root} (relative path → SHA-256), directories as "dir". */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> !p.equals(root)).toList()) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith("backup-before-upgrade-")) {
                    continue;
                }
                files.put(rel, Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Today's build: filesystem-store 2 (the task index); a version 1 dir is upgraded, its task files kept as they are. */
    @Test
    void todays_build_upgrades_a_version_1_store_to_2_keeping_its_task_files_and_dropping_an_index_it_cannot_trust()
            throws IOException {
        Path data = legacyDataDir();
        Files.createDirectories(data.resolve("queue.rkvs/index"));
        Files.writeString(data.resolve("queue.rkvs/index/snapshot-000000000001.jsonl"), "{\"s\":1,\"id\":\"stale\"}\n");
        Map<String, String> tasksBefore = tree(data.resolve("queue.rkvs/tasks"));
        FormatManifest manifest = DataFormats.current().open(data);
        assertThat(manifest.versionOf(DataFormats.FILESYSTEM_STORE)).isEqualTo(2);
        assertThat(manifest.versionOf(DataFormats.TASK_EVENT_LOGS)).isEqualTo(1);
        assertThat(tree(data.resolve("queue.rkvs/tasks"))).isEqualTo(tasksBefore);
        assertThat(data.resolve("queue.rkvs/index")).doesNotExist();
        assertThat(onlyBackup(data).resolve("queue.rkvs/index/snapshot-000000000001.jsonl")).exists();
        assertThatThrownBy(() -> DataFormats.initial().open(data)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("holds filesystem-store format version 2");
    }
}
