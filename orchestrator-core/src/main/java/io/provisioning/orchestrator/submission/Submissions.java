package io.provisioning.orchestrator.submission;

import io.provisioning.orchestrator.ConflictException;
import io.provisioning.orchestrator.engine.Orchestrator;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.TaskBuilder;
import io.provisioning.orchestrator.workflow.BatchRequest;
import io.provisioning.orchestrator.workflow.ClusterPlanner;
import io.provisioning.orchestrator.workflow.DagOrder;
import io.provisioning.orchestrator.workflow.WorkflowPlanner;
import io.provisioning.orchestrator.workflow.WorkflowRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where work is submitted: a workflow (a cluster expanded into its DAG) or a batch
 * (checked whole and ordered), each created with its idempotency key as one atomic write, so that
 * all of its tasks exist or none do. The same key with the same request answers what the first
 * request got; with another request it is a {@link ConflictException} and nothing is created. The
 * store keeps the key unique ({@link TaskStorage#saveSubmission}), so this holds for concurrent
 * requests, across restarts and for several nodes on one database.
 */
public final class Submissions {
    private final Orchestrator orchestrator;
    private final TaskStorage storage;
    private final WorkflowPlanner planner;
    private final ClusterPlanner clusterPlanner;
    private final Clock clock;

    public Submissions(Orchestrator orchestrator, WorkflowPlanner planner, ClusterPlanner clusterPlanner, Clock clock) {
        this.orchestrator = orchestrator;
        this.storage = orchestrator.storage();
        this.planner = planner;
        this.clusterPlanner = clusterPlanner;
        this.clock = clock;
    }

    /** One workflow; {@code key} may be null. Answers {@link Submitted#taskId()}. */
    public Submitted workflow(WorkflowRequest request, IdempotencyKey key) {
        Optional<Submitted> earlier = earlier(key);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        List<TaskBuilder> tasks = new ExpandWorkflow(planner, clusterPlanner).tasksOf(request);
        TaskBuilder answer = tasks.get(tasks.size() - 1);
        if (key != null) {
            answer.idempotencyKey(key.key()).requestHash(key.requestHash());
        }
        return store(tasks, key, Map.of(Submitted.TASK, answer.id()));
    }

    /**
     * A batch, checked whole (unknown refs, cycles; every body already by its parser) before
     * anything is stored; answers {@code {ref: task id}} in the order the tasks were made.
     */
    public Submitted batch(BatchRequest batch, IdempotencyKey key) {
        Optional<Submitted> earlier = earlier(key);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        Map<String, List<String>> edges = new LinkedHashMap<>();
        Map<String, WorkflowRequest> requests = new LinkedHashMap<>();
        for (BatchRequest.Item item : batch.items()) {
            edges.put(item.ref(), item.after());
            requests.put(item.ref(), item.request());
        }
        ExpandWorkflow expand = new ExpandWorkflow(planner, clusterPlanner);
        Map<String, String> ids = new LinkedHashMap<>();
        List<TaskBuilder> tasks = new ArrayList<>();
        for (String ref : DagOrder.of(edges)) {
            List<String> waitFor = edges.get(ref).stream().map(ids::get).toList();
            List<TaskBuilder> planned = expand.tasksOf(requests.get(ref).dependingOn(waitFor));
            tasks.addAll(planned);
            ids.put(ref, planned.get(planned.size() - 1).id());
        }
        return store(tasks, key, ids);
    }

    private Submitted store(List<TaskBuilder> tasks, IdempotencyKey key, Map<String, String> ids) {
        IdempotencyRecord record = key == null ? null
                : new IdempotencyRecord(key.key(), key.requestHash(), ids, clock.instant());
        Optional<IdempotencyRecord> taken = orchestrator.submitAll(tasks, record);
        return taken.map(stored -> replay(stored, key)).orElseGet(() -> new Submitted(ids, false));
    }

    /**
     * What the key already stands for. Tasks stored before key records existed carry their key
     * themselves (one task per key then), so they are found too.
     */
    private Optional<Submitted> earlier(IdempotencyKey key) {
        if (key == null) {
            return Optional.empty();
        }
        Optional<IdempotencyRecord> stored = storage.findIdempotencyRecord(key.key())
                .or(() -> storage.findByIdempotencyKey(key.key()).map(task -> new IdempotencyRecord(key.key(),
                        task.requestHash(), Map.of(Submitted.TASK, task.id()), task.createdAt())));
        return stored.map(record -> replay(record, key));
    }

    private static Submitted replay(IdempotencyRecord stored, IdempotencyKey key) {
        if (!key.requestHash().equals(stored.requestHash())) {
            throw new ConflictException("Idempotency-Key '" + key.key()
                    + "' was already used with a different request body");
        }
        return new Submitted(stored.taskIds(), true);
    }
}
