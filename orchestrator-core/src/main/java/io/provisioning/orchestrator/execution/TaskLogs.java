package io.provisioning.orchestrator.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The full log of every attempt, one JSON line per script line, under
 * {@code <data-dir>/logs/<task-id>/attempt-<n>.log}. Memory holds only a bounded tail.
 */
public final class TaskLogs {
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private final Path root;
    private final Clock clock;

    public TaskLogs(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    public Path fileFor(String taskId, int attempt) {
        if (!TASK_ID.matcher(taskId).matches()) {
            throw new IllegalArgumentException("not a task id: " + taskId);
        }
        return root.resolve(taskId).resolve("attempt-" + attempt + ".log");
    }

    public Writer open(String taskId, int attempt) {
        Path file = fileFor(taskId, attempt);
        try {
            Files.createDirectories(file.getParent());
            return new Writer(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line of one attempt, in order; empty if that attempt left no log. */
    public List<String> read(String taskId, int attempt) {
        Path file = fileFor(taskId, attempt);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public final class Writer implements AutoCloseable {
        private final BufferedWriter out;

        private Writer(BufferedWriter out) {
            this.out = out;
        }

        public synchronized void line(String stream, String text) {
            ObjectNode node = Json.mapper().createObjectNode();
            node.put("ts", clock.instant().toString());
            node.put("stream", stream);
            node.put("line", text);
            try {
                out.write(node.toString());
                out.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
