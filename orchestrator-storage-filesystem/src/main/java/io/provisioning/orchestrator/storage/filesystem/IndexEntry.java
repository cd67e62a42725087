package io.provisioning.orchestrator.storage.filesystem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.util.List;

/**
 * What the task index keeps of one task (one line of {@code index/}): enough to filter, order and
 * count it without reading its file ({@code finishedAtMillis}: completed_at, else updated_at, of a
 * finished one, for the retention sweep). {@code deleted}: the task at this sequence was deleted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record IndexEntry(
        @JsonProperty("s") long sequence,
        @JsonProperty("id") String id,
        @JsonProperty("st") TaskStatus status,
        @JsonProperty("wf") String workflow,
        @JsonProperty("in") String infra,
        @JsonProperty("deps") List<String> dependencies,
        @JsonProperty("p") int priority,
        @JsonProperty("key") String idempotencyKey,
        @JsonProperty("fin") Long finishedAtMillis,
        @JsonProperty("del") Boolean deleted) {

    IndexEntry {
        dependencies = dependencies == null || dependencies.isEmpty() ? null : List.copyOf(dependencies);
        deleted = Boolean.TRUE.equals(deleted) ? Boolean.TRUE : null;
    }

    static IndexEntry of(Task task) {
        java.time.Instant finished = !task.status().isTerminal() ? null
                : task.completedAt() != null ? task.completedAt() : task.updatedAt();
        return new IndexEntry(task.sequence(), task.id(), task.status(), task.workflow(), task.infra(),
                task.dependencies(), task.priority(), task.idempotencyKey(),
                finished == null ? null : finished.toEpochMilli(), null);
    }

    static IndexEntry deletion(long sequence, String id) {
        return new IndexEntry(sequence, id, null, null, null, null, 0, null, null, Boolean.TRUE);
    }

    EntryKey key() {
        return new EntryKey(sequence, id);
    }

    boolean isDeleted() {
        return deleted != null;
    }

    /** A finished task's entry whose finish time is before {@code cutoffMillis}. */
    boolean finishedBefore(long cutoffMillis) {
        return !isDeleted() && finishedAtMillis != null && finishedAtMillis < cutoffMillis;
    }

    boolean matches(TaskQuery query) {
        return !isDeleted()
                && (query.status() == null || status == query.status())
                && (query.workflow() == null || query.workflow().equals(workflow))
                && (query.infra() == null || query.infra().equals(infra))
                && (query.dependsOn() == null || (dependencies != null && dependencies.contains(query.dependsOn())));
    }
}
