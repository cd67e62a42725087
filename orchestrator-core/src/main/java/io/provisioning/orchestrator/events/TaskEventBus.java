package io.provisioning.orchestrator.events;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** In-process fan-out of task events. A listener that throws is logged and does not stop the others. */
public final class TaskEventBus {
    private static final Logger LOG = LoggerFactory.getLogger(TaskEventBus.class);
    private final CopyOnWriteArrayList<Consumer<TaskEvent>> listeners = new CopyOnWriteArrayList<>();

    public AutoCloseable subscribe(Consumer<TaskEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public void publish(TaskEvent event) {
        for (Consumer<TaskEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("task event listener failed on {}", event.getClass().getSimpleName(), e);
            }
        }
    }
}
