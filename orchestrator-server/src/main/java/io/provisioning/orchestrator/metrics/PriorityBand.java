package io.provisioning.orchestrator.metrics;

import io.provisioning.orchestrator.task.Priority;

/** Priorities 0..100 as four label values, so a metric has four series, not a hundred. */
enum PriorityBand {
    low, normal, high, critical;

    static PriorityBand of(int priority) {
        if (priority >= Priority.CRITICAL) {
            return critical;
        }
        if (priority >= Priority.HIGH) {
            return high;
        }
        if (priority >= Priority.NORMAL) {
            return normal;
        }
        return low;
    }
}
