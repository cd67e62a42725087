package io.provisioning.orchestrator.format;

import io.provisioning.orchestrator.durability.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a data dir against {@link DataFormats} and upgrades it in place. The order makes a SIGKILL
 * at any moment safe:
 *
 * <ol>
 *   <li>everything is checked first, reading only: a newer or unknown format is refused with the
 *       data dir left byte for byte as it was;</li>
 *   <li>a full copy is made in {@code .backup-before-upgrade-<from>-<to>.partial/}, synced, and renamed to
 *       {@code backup-before-upgrade-<from>-<to>/} (a killed copy is a partial folder, thrown away next time);</li>
 *   <li>{@code upgrade-in-progress.json} names the copy and the target versions: from now on a restart
 *       resumes, by putting the copy back and running the steps again;</li>
 *   <li>the steps run, then {@code format.json} is replaced with the new versions (the commit point),
 *       then the marker is removed. The copy is kept for the operator to delete.</li>
 * </ol>
 */
final class DataDirUpgrade {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirUpgrade.class);
    static final String MARKER = "upgrade-in-progress.json";
    static final String BACKUP_PREFIX = "backup-before-upgrade-";
    private static final String PARTIAL_PREFIX = "." + BACKUP_PREFIX;
    private static final String LOCK = "format.lock";
    /** A running orchestrator on the filesystem store holds this OS lock (DataDirLock); an upgrade needs it free. */
    private static final String STORE_LOCK = "queue.rkvs/lock";

    private final DataFormats formats;
    private final Path dataDir;

    DataDirUpgrade(DataFormats formats, Path dataDir) {
        this.formats = formats;
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    FormatManifest run() {
        try {
            return decide();
        } catch (IOException e) {
            throw new UnsupportedFormatException("cannot check or upgrade the formats of " + dataDir + " ("
                    + e.getMessage() + "); fix the cause and start again, the upgrade resumes where it stopped", e);
        }
    }

    private FormatManifest decide() throws IOException {
        if (!Files.isDirectory(dataDir) || isEmpty()) {
            Files.createDirectories(dataDir);
            FormatManifest fresh = formats.currentManifest();
            fresh.write(dataDir);
            return fresh;
        }
        Optional<FormatManifest> recorded = FormatManifest.read(dataDir);
        // today's layout came without a manifest: that is version 1 of every format
        FormatManifest found = recorded.orElse(new FormatManifest(FormatManifest.MANIFEST_VERSION,
                "an orchestrator without format versions", Map.of()));
        refuseNewer(found);
        Optional<Marker> marker = Marker.read(dataDir);
        if (marker.isPresent()) {
            return resume(found, marker.get());
        }
        List<UpgradeStep> plan = plan(found);
        if (plan.isEmpty()) {
            if (recorded.isEmpty() || !recorded.get().formats().equals(formats.supported())) {
                // only entries of formats the dir holds at version 1 are added: no data changes
                try (Locks ignored = Locks.take(dataDir, false)) {
                    formats.currentManifest().write(dataDir);
                }
                LOG.info("recorded the data formats of {} in {}: {}", dataDir, FormatManifest.FILE, formats.supported());
            }
            return FormatManifest.read(dataDir).orElseThrow();
        }
        try (Locks ignored = Locks.take(dataDir, true)) {
            String backup = backupName(found);
            LOG.info("upgrading the data dir {} from {} to {}; a copy is kept in {}", dataDir, versions(found),
                    formats.supported(), dataDir.resolve(backup));
            copyAside(backup);
            Marker next = new Marker(backup, versions(found), formats.supported(), formats.buildVersion());
            next.write(dataDir);
            return upgrade(plan, next);
        }
    }

    private FormatManifest resume(FormatManifest found, Marker marker) throws IOException {
        Path backup = dataDir.resolve(marker.backup());
        if (!marker.to().equals(formats.supported())) {
            throw new UnsupportedFormatException("an upgrade of " + dataDir + " to " + marker.to() + " by orchestrator "
                    + marker.by() + " was interrupted, and this orchestrator (" + formats.buildVersion() + ") writes "
                    + formats.supported() + ": start orchestrator " + marker.by() + " on it to finish the upgrade, "
                    + "or restore the copy in " + backup + " (see docs/OPERATIONS.md); nothing was changed");
        }
        if (found.formats().equals(marker.to())) {
            // the new manifest was written; only the marker was left
            try (Locks ignored = Locks.take(dataDir, false)) {
                Files.deleteIfExists(dataDir.resolve(MARKER));
                AtomicFiles.fsyncDirectory(dataDir);
            }
            return found;
        }
        if (!Files.isDirectory(backup)) {
            throw new UnsupportedFormatException("an interrupted upgrade of " + dataDir + " left " + MARKER
                    + " but its copy " + backup + " is gone: restore the data dir from your own backup");
        }
        FormatManifest before = new FormatManifest(FormatManifest.MANIFEST_VERSION, marker.by(), marker.from());
        List<UpgradeStep> plan = plan(before);
        try (Locks ignored = Locks.take(dataDir, true)) {
            LOG.info("resuming the interrupted upgrade of {} to {}: putting back the copy in {} first", dataDir,
                    marker.to(), backup);
            restoreFrom(backup);
            return upgrade(plan, marker);
        }
    }

    private FormatManifest upgrade(List<UpgradeStep> plan, Marker marker) throws IOException {
        for (UpgradeStep step : plan) {
            LOG.info("upgrading {} to version {}", step.from(), step.from().version() + 1);
            try {
                step.apply(dataDir);
            } catch (IOException | RuntimeException e) {
                throw new UnsupportedFormatException("the upgrade of " + step.from() + " in " + dataDir + " failed ("
                        + e.getMessage() + "): start the orchestrator again to retry it from the copy in "
                        + dataDir.resolve(marker.backup()) + ", or restore that copy to go back", e);
            }
        }
        FormatManifest done = formats.currentManifest();
        done.write(dataDir); // the commit point
        Files.deleteIfExists(dataDir.resolve(MARKER));
        AtomicFiles.fsyncDirectory(dataDir);
        LOG.info("upgraded the data dir {} to {}; the copy from before stays in {} until you remove it", dataDir,
                done.formats(), dataDir.resolve(marker.backup()));
        return done;
    }

    /** Refuses what this build cannot read, before anything is written. */
    private void refuseNewer(FormatManifest found) {
        Path file = dataDir.resolve(FormatManifest.FILE);
        if (found.manifestVersion() > FormatManifest.MANIFEST_VERSION) {
            throw new UnsupportedFormatException(file + " is manifest version " + found.manifestVersion()
                    + ", written by orchestrator " + found.writtenBy() + ", and this orchestrator ("
                    + formats.buildVersion() + ") reads up to version " + FormatManifest.MANIFEST_VERSION
                    + ": start that orchestrator or a newer one, or restore the backup taken before it upgraded the data dir; "
                    + "nothing was changed");
        }
        for (Map.Entry<String, Integer> entry : new TreeMap<>(found.formats()).entrySet()) {
            Integer known = formats.supported().get(entry.getKey());
            if (known == null || entry.getValue() > known) {
                throw new UnsupportedFormatException("the data dir " + dataDir + " holds " + entry.getKey()
                        + " format version " + entry.getValue() + " (written by orchestrator " + found.writtenBy()
                        + "), and this orchestrator (" + formats.buildVersion() + ") supports "
                        + (known == null ? "no such format" : "up to version " + known)
                        + ": start orchestrator " + found.writtenBy() + " or a newer one on it, or restore the backup "
                        + "taken before it upgraded the data dir; nothing was changed");
            }
        }
    }

    private List<UpgradeStep> plan(FormatManifest found) {
        List<UpgradeStep> plan = new ArrayList<>();
        for (Map.Entry<String, Integer> target : new TreeMap<>(formats.supported()).entrySet()) {
            for (int v = found.versionOf(target.getKey()); v < target.getValue(); v++) {
                FormatVersion from = new FormatVersion(target.getKey(), v);
                UpgradeStep step = formats.steps().stream().filter(s -> s.from().equals(from)).findFirst()
                        .orElseThrow(() -> new UnsupportedFormatException("the data dir " + dataDir + " holds "
                                + from.format() + " format version " + from.version() + ", and this orchestrator ("
                                + formats.buildVersion() + ") has no upgrade from it to version " + target.getValue()
                                + ": upgrade through an orchestrator release that reads both first; nothing was changed"));
                plan.add(step);
            }
        }
        return plan;
    }

    private static Map<String, Integer> versions(FormatManifest found) {
        return Map.copyOf(found.formats());
    }

    private String backupName(FormatManifest found) {
        String from = found.formats().isEmpty() && found.writtenBy().contains(" ") ? "unversioned" : found.writtenBy();
        String base = BACKUP_PREFIX + safe(from) + "-" + safe(formats.buildVersion());
        String name = base;
        for (int n = 2; Files.exists(dataDir.resolve(name)); n++) {
            name = base + "." + n;
        }
        return name;
    }

    private static String safe(String version) {
        return version.replaceAll("[^A-Za-z0-9._]", "_");
    }

    private boolean isEmpty() throws IOException {
        try (Stream<Path> entries = Files.list(dataDir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** The entries of the data dir an upgrade copies and restores: all but its own files and earlier copies. */
    private static boolean isData(Path topLevel) {
        String name = topLevel.getFileName().toString();
        return !name.startsWith(BACKUP_PREFIX) && !name.startsWith(PARTIAL_PREFIX) && !name.equals(MARKER)
                && !name.equals(LOCK);
    }

    private void copyAside(String backup) throws IOException {
        Path partial = dataDir.resolve("." + backup + ".partial");
        deleteTree(partial); // a copy a SIGKILL cut short
        try (Stream<Path> partials = Files.list(dataDir)) {
            for (Path stale : partials.filter(p -> p.getFileName().toString().startsWith(PARTIAL_PREFIX)).toList()) {
                deleteTree(stale);
            }
        }
        Files.createDirectory(partial);
        copyData(dataDir, partial);
        AtomicFiles.fsyncDirectory(partial);
        Files.move(partial, dataDir.resolve(backup), StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(dataDir);
    }

    private void restoreFrom(Path backup) throws IOException {
        try (Stream<Path> entries = Files.list(dataDir)) {
            for (Path entry : entries.filter(DataDirUpgrade::isData).toList()) {
                deleteTree(entry);
            }
        }
        copyData(backup, dataDir);
        AtomicFiles.fsyncDirectory(dataDir);
    }

    /** Copies the data entries of {@code from} into {@code to}, each file synced, links as links. */
    private static void copyData(Path from, Path to) throws IOException {
        try (Stream<Path> entries = Files.list(from)) {
            for (Path entry : entries.filter(DataDirUpgrade::isData).sorted().toList()) {
                Files.walkFileTree(entry, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Path target = to.resolve(from.relativize(file).toString());
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                        if (attrs.isRegularFile()) {
                            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                                channel.force(true);
                            } catch (java.nio.file.AccessDeniedException readOnly) {
                                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ)) {
                                    channel.force(true);
                                }
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                        if (e != null) {
                            throw e;
                        }
                        AtomicFiles.fsyncDirectory(to.resolve(from.relativize(dir).toString()));
                        return FileVisitResult.CONTINUE;
                    }
                });
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** {@code upgrade-in-progress.json}: an upgrade that has its copy and may be under way. */
    record Marker(String backup, Map<String, Integer> from, Map<String, Integer> to, String by) {
        void write(Path dataDir) throws IOException {
            ObjectNode json = Json.mapper().createObjectNode();
            json.put("backup", backup);
            new TreeMap<>(from).forEach(json.putObject("from")::put);
            new TreeMap<>(to).forEach(json.putObject("to")::put);
            json.put("by", by);
            AtomicFiles.write(dataDir.resolve(MARKER),
                    Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json), true);
        }

        static Optional<Marker> read(Path dataDir) throws IOException {
            Path file = dataDir.resolve(MARKER);
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            JsonNode json = Json.mapper().readTree(file.toFile());
            String backup = json.path("backup").asText("");
            if (!backup.startsWith(BACKUP_PREFIX) || backup.contains("/")) {
                throw new UnsupportedFormatException(file + " does not name a copy of the data dir: restore the data "
                        + "dir from your own backup");
            }
            return Optional.of(new Marker(backup, ints(json.path("from")), ints(json.path("to")), json.path("by").asText("unknown")));
        }

        private static Map<String, Integer> ints(JsonNode node) {
            Map<String, Integer> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asInt()));
            return Map.copyOf(map);
        }
    }

    /** The upgrade's own lock, and (for a real upgrade) the filesystem store's, so no running server is under it. */
    private record Locks(List<FileChannel> channels) implements AutoCloseable {
        static Locks take(Path dataDir, boolean storeToo) throws IOException {
            List<FileChannel> held = new ArrayList<>();
            try {
                lock(held, dataDir.resolve(LOCK), true);
                if (storeToo && Files.exists(dataDir.resolve(STORE_LOCK))) {
                    lock(held, dataDir.resolve(STORE_LOCK), false);
                }
                return new Locks(held);
            } catch (IOException | RuntimeException e) {
                new Locks(held).close();
                throw e;
            }
        }

        private static void lock(List<FileChannel> held, Path file, boolean create) throws IOException {
            FileChannel channel = create
                    ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.WRITE);
            held.add(channel);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new UnsupportedFormatException("the data dir " + file.getParent() + " is in use by a running "
                        + "orchestrator (it holds " + file + "): stop it before starting this one");
            }
        }

        @Override
        public void close() {
            for (FileChannel channel : channels) {
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
