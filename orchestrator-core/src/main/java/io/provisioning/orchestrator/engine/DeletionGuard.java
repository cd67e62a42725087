package io.provisioning.orchestrator.engine;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps a deletion from racing a submission that names the deleted task as a dependency: such
 * submissions check their dependencies and store themselves sharing the guard, deletions hold it
 * alone while they look for unfinished dependents and delete. One process only: on a shared store
 * another node's submission is not held back by it.
 */
final class DeletionGuard {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    <T> T whileSubmitting(Supplier<T> work) {
        lock.readLock().lock();
        try {
            return work.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    <T> T whileDeleting(Supplier<T> work) {
        lock.writeLock().lock();
        try {
            return work.get();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
