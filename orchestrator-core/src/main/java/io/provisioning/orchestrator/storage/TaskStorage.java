package io.provisioning.orchestrator.storage;

import io.provisioning.orchestrator.task.Task;
import java.util.List;
import java.util.Optional;

/**
 * The one extension point for persistence. Every backend passes the shared contract suite
 * ({@code TaskStorageContract} in the core test-jar).
 *
 * <p>Durability: when a write method returns, the change survives a crash of this process
 * (kill -9) and of the machine's page cache. Writes of one task are applied in call order.
 */
public interface TaskStorage extends AutoCloseable {

    /** Short backend name, as given to {@code --storage-type}. */
    String type();

    /** Inserts or replaces the task record. */
    void save(Task task);

    /** Saves the task and puts its queue entry, as one atomic change. */
    void saveAndEnqueue(Task task);

    /** Saves the task and removes its queue entry, as one atomic change. */
    void saveAndDequeue(Task task);

    Optional<Task> find(String id);

    /** Newest first, filtered; {@link TaskPage#total()} counts every match. */
    TaskPage list(TaskQuery query);

    /** Every task that is not in a terminal state, for recovery at start. */
    List<Task> findUnfinished();

    /** Task ids that have a queue entry, in no particular order. */
    List<String> queuedTaskIds();

    Optional<Task> findByIdempotencyKey(String key);

    /** Highest task sequence number stored, or 0; new tasks continue after it. */
    long maxSequence();

    /** Throws {@link StorageUnavailableException} if the backend cannot take writes now. */
    void checkHealth();

    @Override
    void close();
}
