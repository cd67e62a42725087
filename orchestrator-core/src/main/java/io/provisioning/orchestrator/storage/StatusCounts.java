package io.provisioning.orchestrator.storage;

import io.provisioning.orchestrator.task.TaskStatus;
import java.util.EnumMap;
import java.util.Map;

/** The shape {@link TaskStorage#countByStatus} answers: every status a key, in status order. */
public final class StatusCounts {
    private StatusCounts() {}

    /** Every status with 0, to count into. */
    public static Map<TaskStatus, Long> zeros() {
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        for (TaskStatus status : TaskStatus.values()) {
            counts.put(status, 0L);
        }
        return counts;
    }
}
