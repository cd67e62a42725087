package io.provisioning.orchestrator.audit;

import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an audit entry for every change of a task's status (not for progress updates), as
 * {@code task.<status>} by the engine. Remembers the last status of unfinished tasks only.
 */
public final class TaskAuditor implements Consumer<TaskEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(TaskAuditor.class);
    private final AuditLog log;
    private final Map<String, TaskStatus> lastStatus = new ConcurrentHashMap<>();

    public TaskAuditor(AuditLog log) {
        this.log = log;
    }

    @Override
    public void accept(TaskEvent event) {
        if (!(event instanceof TaskEvent.Changed changed)) {
            return;
        }
        Task task = changed.task();
        TaskStatus before = task.status().isTerminal() ? lastStatus.remove(task.id()) : lastStatus.put(task.id(), task.status());
        if (before == task.status()) {
            return;
        }
        String detail = (task.workflow() == null ? "" : task.workflow() + ", ") + "attempt " + task.attempts() + " of "
                + task.maxAttempts() + (before == null ? "" : ", was " + before)
                + (task.error() == null || task.status() == TaskStatus.Running ? "" : ": " + firstLine(task.error()));
        try {
            log.append(new AuditRecord("orchestrator", null, "task." + task.status().name().toLowerCase(Locale.ROOT),
                    task.id(), "engine", task.status().name(), detail));
        } catch (RuntimeException e) {
            LOG.error("cannot audit the change of task {} to {}", task.id(), task.status(), e);
        }
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
