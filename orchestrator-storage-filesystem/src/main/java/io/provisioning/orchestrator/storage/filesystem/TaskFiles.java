package io.provisioning.orchestrator.storage.filesystem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads one task's {@code tasks/<id>.json}, where a finished task lives once it has left memory. */
final class TaskFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TaskFiles.class);
    private static final ObjectMapper JSON = Json.mapper();

    private TaskFiles() {}

    /** The task in the file, or null if there is none or it cannot be read (logged). */
    static Task read(FilesystemLayout layout, String id) {
        Path file = layout.taskFile(id);
        try {
            return parse(file, id);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot read task file {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** The task in {@code file}, whose name must be its id's. */
    static Task parse(Path file, String id) throws IOException {
        Task task = JSON.readValue(Files.readAllBytes(file), Task.class);
        if (task.id() == null || !task.id().equals(id)) {
            throw new IOException("file name does not match task id " + task.id());
        }
        return task;
    }
}
