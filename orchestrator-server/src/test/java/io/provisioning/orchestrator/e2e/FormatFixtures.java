package io.provisioning.orchestrator.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The committed fixtures of today's data formats ({@code src/test/resources/formats/v1}): a data dir
 * that main's build wrote with a real server and real nu (four Completed tasks in task files, a batch
 * of two still only in the journal after a SIGKILL, their events logs, an audit log of 21 entries, the
 * testenv owner id and one Failed environment record), and a {@code storage.json}.
 */
final class FormatFixtures {
    static final List<String> COMPLETED = List.of("3c486721-6782-4931-8fee-a626220afb7c",
            "6501e6f9-d536-42aa-adcd-dc229054df83", "75fdeacf-184e-4bc5-b8f5-aece1270caed",
            "af77b35b-2e8e-4798-b31b-7ef7774fda43");
    /** The batch a SIGKILL caught right after it was acknowledged: in the journal, not in task files. */
    static final List<String> JOURNAL_ONLY = List.of("f90e43a0-8d02-490d-a7f4-b23f6589e769",
            "f31aa888-24c4-454c-a3aa-195ac8becdf0");
    static final String ENVIRONMENT = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    static final int AUDIT_ENTRIES = 21;

    private FormatFixtures() {}

    static Path v1() {
        return Components.repoRoot().resolve("orchestrator-server/src/test/resources/formats/v1");
    }

    /** A copy of the v1 data dir at {@code target}. */
    static Path copyDataDir(Path target) throws IOException {
        Path from = v1().resolve("data-dir");
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path to = target.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return target;
    }

    /** Every entry under {@code root} (relative path → SHA-256 of the content, "dir" for a folder), skipping {@code except}. */
    static Map<String, String> tree(Path root, String... except) throws IOException {
        Map<String, String> files = new TreeMap<>();
        List<String> skip = List.of(except);
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> !p.equals(root)).toList()) {
                String rel = root.relativize(p).toString();
                if (skip.stream().anyMatch(s -> rel.equals(s) || rel.startsWith(s + "/"))) {
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
}
