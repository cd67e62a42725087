package io.provisioning.orchestrator.storage;

import io.provisioning.orchestrator.testing.InMemoryTaskStorage;

/** Keeps the engine's test double honest: it passes the same contract as the real backends. */
class InMemoryTaskStorageTest extends TaskStorageContract {
    @Override
    protected TaskStorage openFresh() {
        return new InMemoryTaskStorage();
    }

    @Override
    protected TaskStorage reopen(TaskStorage current) {
        return current;
    }
}
