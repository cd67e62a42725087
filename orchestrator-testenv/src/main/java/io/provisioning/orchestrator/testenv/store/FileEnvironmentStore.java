package io.provisioning.orchestrator.testenv.store;

import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.testenv.TestEnvironment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON file per environment under {@code <data-dir>/testenv/<id>.json}, replaced
 * atomically (temp file, fsync, rename, fsync of the folder); read once at start and kept in
 * memory for reads. An unreadable file is moved aside to {@code corrupt/} and logged.
 */
public final class FileEnvironmentStore implements EnvironmentStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileEnvironmentStore.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");
    private final Path dir;
    private final Map<String, TestEnvironment> byId = new ConcurrentHashMap<>();

    public FileEnvironmentStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                for (Path file : files) {
                    load(file);
                }
            }
        } catch (IOException e) {
            throw new StorageUnavailableException("cannot read test environments in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void load(Path file) throws IOException {
        try {
            TestEnvironment environment = Json.mapper().readValue(file.toFile(), TestEnvironment.class);
            byId.put(environment.id(), environment);
        } catch (IOException | RuntimeException e) {
            Path corrupt = Files.createDirectories(dir.resolve("corrupt")).resolve(file.getFileName());
            Files.move(file, corrupt, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn("moved unreadable test environment record {} to {}: {}", file, corrupt, e.getMessage());
        }
    }

    @Override
    public synchronized void save(TestEnvironment environment) {
        requireId(environment.id());
        Path target = dir.resolve(environment.id() + ".json");
        Path temp = dir.resolve("." + environment.id() + ".json.tmp");
        try {
            byte[] content = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(environment);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDir();
            byId.put(environment.id(), environment);
        } catch (IOException e) {
            throw new StorageUnavailableException("cannot save test environment " + environment.id() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<TestEnvironment> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public List<TestEnvironment> list() {
        return byId.values().stream()
                .sorted(Comparator.comparing(TestEnvironment::createdAt).thenComparing(TestEnvironment::id).reversed())
                .toList();
    }

    @Override
    public synchronized void delete(String id) {
        requireId(id);
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
            fsyncDir();
            byId.remove(id);
        } catch (IOException e) {
            throw new StorageUnavailableException("cannot delete test environment " + id + ": " + e.getMessage(), e);
        }
    }

    private void fsyncDir() throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not an environment id: " + id);
        }
    }
}
