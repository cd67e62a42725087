package io.provisioning.orchestrator.engine;

/** Striped monitors so that all read-modify-write of one task happen one at a time. */
final class TaskLocks {
    private final Object[] stripes = new Object[256];

    TaskLocks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    Object forTask(String id) {
        return stripes[(id.hashCode() & 0x7fffffff) % stripes.length];
    }
}
