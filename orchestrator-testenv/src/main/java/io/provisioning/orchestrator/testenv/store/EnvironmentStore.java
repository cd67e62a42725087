package io.provisioning.orchestrator.testenv.store;

import io.provisioning.orchestrator.testenv.TestEnvironment;
import java.util.List;
import java.util.Optional;

/**
 * Where environment records live, durably: a {@link #save} is on disk (or in the database)
 * before it returns, so records survive a restart. One interface per storage backend; every
 * implementation passes {@code EnvironmentStoreContract} (test-jar).
 */
public interface EnvironmentStore extends AutoCloseable {

    /** Inserts or replaces the record with this id. */
    void save(TestEnvironment environment);

    Optional<TestEnvironment> find(String id);

    /** Every record, newest first. */
    List<TestEnvironment> list();

    /** Removes the record; no error when it is not there. */
    void delete(String id);

    @Override
    default void close() {}
}
