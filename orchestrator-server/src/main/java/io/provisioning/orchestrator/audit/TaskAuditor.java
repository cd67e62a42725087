package io.provisioning.orchestrator.audit;

import io.provisioning.orchestrator.events.StatusChanges;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Queues an audit entry for every change of a task's status, as {@code task.<status>} by the engine ({@link AuditLog#appendLater}: the engine does not wait for the write). */
public final class TaskAuditor implements StatusChanges.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(TaskAuditor.class);
    private final AuditLog log;

    public TaskAuditor(AuditLog log) {
        this.log = log;
    }

    @Override
    public void changed(Task task, TaskStatus previous) {
        String detail = (task.workflow() == null ? "" : task.workflow() + ", ") + "attempt " + task.attempts() + " of "
                + task.maxAttempts() + (previous == null ? "" : ", was " + previous)
                + (task.error() == null || task.status() == TaskStatus.Running ? "" : ": " + firstLine(task.error()));
        try {
            log.appendLater(new AuditRecord("orchestrator", null, "task." + task.status().name().toLowerCase(Locale.ROOT),
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
