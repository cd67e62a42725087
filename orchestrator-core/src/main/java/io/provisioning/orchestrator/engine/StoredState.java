package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.task.Task;
import java.util.Objects;

/** The fields a compare-and-set compares: equal means no other write came between. */
final class StoredState {
    private StoredState() {}

    static boolean same(Task a, Task b) {
        return a.status() == b.status() && a.attempts() == b.attempts() && Objects.equals(a.updatedAt(), b.updatedAt());
    }
}
