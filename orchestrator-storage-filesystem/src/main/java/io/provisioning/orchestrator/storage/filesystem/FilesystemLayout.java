package io.provisioning.orchestrator.storage.filesystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where everything lives under {@code <data-dir>/queue.rkvs}. */
record FilesystemLayout(Path root) {
    Path tasks() {
        return root.resolve("tasks");
    }

    Path queue() {
        return root.resolve("queue");
    }

    /** One file per idempotency key record ({@link IdempotencyFiles}). */
    Path idempotency() {
        return root.resolve("idempotency");
    }

    /** Key to task id for tasks that carry a key without a key record (stored before records existed). */
    Path taskKeys() {
        return root.resolve("task-keys");
    }

    /** Every key record's hash, sorted ({@link KeyList}). */
    Path keyList() {
        return root.resolve("key-index");
    }

    /** The task index ({@link IndexFiles}). */
    Path index() {
        return root.resolve("index");
    }

    Path journal() {
        return root.resolve("journal");
    }

    /** Files that could not be read are moved here, never deleted. */
    Path corrupt() {
        return root.resolve("corrupt");
    }

    Path taskFile(String id) {
        return tasks().resolve(id + ".json");
    }

    Path queueFile(String id) {
        return queue().resolve(id + ".json");
    }

    void create() throws IOException {
        Files.createDirectories(tasks());
        Files.createDirectories(queue());
        Files.createDirectories(journal());
        Files.createDirectories(idempotency());
        Files.createDirectories(taskKeys());
        Files.createDirectories(keyList());
    }
}
