package io.provisioning.orchestrator.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The files of one audit log, oldest first: {@code audit-1.log}, {@code audit-2.log}, ..., then {@code audit.log}. */
final class AuditFiles {
    static final String CURRENT = "audit.log";
    private static final Pattern ROTATED = Pattern.compile("audit-(\\d{1,9})\\.log");

    private AuditFiles() {}

    static List<Path> inOrder(Path dir) {
        List<Path> files = new ArrayList<>(rotated(dir));
        Path current = dir.resolve(CURRENT);
        if (Files.isRegularFile(current)) {
            files.add(current);
        }
        return files;
    }

    static List<Path> rotated(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> ROTATED.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(AuditFiles::number)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list audit folder " + dir, e);
        }
    }

    static Path nextRotated(Path dir) {
        List<Path> rotated = rotated(dir);
        int next = rotated.isEmpty() ? 1 : number(rotated.get(rotated.size() - 1)) + 1;
        return dir.resolve("audit-" + next + ".log");
    }

    private static int number(Path file) {
        Matcher m = ROTATED.matcher(file.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }
}
