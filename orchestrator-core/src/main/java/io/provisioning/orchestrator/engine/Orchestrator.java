package io.provisioning.orchestrator.engine;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.durability.DurabilityReport;
import io.provisioning.orchestrator.events.TaskEvent;
import io.provisioning.orchestrator.events.TaskEventBus;
import io.provisioning.orchestrator.execution.TaskExecutor;
import io.provisioning.orchestrator.queue.QueueEntry;
import io.provisioning.orchestrator.queue.TaskQueue;
import io.provisioning.orchestrator.storage.DuplicateSequenceException;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskPage;
import io.provisioning.orchestrator.storage.TaskQuery;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskBuilder;
import io.provisioning.orchestrator.task.TaskNotFoundException;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's front door: submit work, look at tasks, start and stop the workers.
 * Storage holds the truth; the {@link TaskQueue} is the in-memory order rebuilt from it at start.
 */
public final class Orchestrator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);

    private final TaskStorage storage;
    private final Clock clock;
    private final TaskEventBus events;
    private final TaskQueue queue;
    private final OrchestratorConfig config;
    private final TaskLocks locks = new TaskLocks();
    private final DependencyGate gate;
    private final ConcurrencyGate concurrency;
    private final SequenceNumbers sequence;
    private final AttemptsHere here = new AttemptsHere();
    private final AnnounceChange announce;
    private final FollowChange follow;
    private final TaskLifecycle lifecycle;
    private final CancelTask cancelTask;
    private final RetryTask retryTask;
    private final RecoverInterruptedTasks recovery;
    private final DeletionGuard deletions = new DeletionGuard();
    private final DeleteTask deleteTask;
    private final ExpireFinishedTasks retention;
    private FollowOtherNodes otherNodes;
    private final FenceOnLostLease fence;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean accepting;
    private boolean recovered;

    private final DurabilityReport durability;

    public Orchestrator(OrchestratorConfig config, TaskStorage storage, TaskExecutor executor, Clock clock,
            TaskEventBus events) {
        this(config, storage, executor, clock, events, new DurabilityReport(clock));
    }

    /** {@code durability}: the parts that cannot be written; the workers pause while any is listed. */
    public Orchestrator(OrchestratorConfig config, TaskStorage storage, TaskExecutor executor, Clock clock,
            TaskEventBus events, DurabilityReport durability) {
        this.durability = durability;
        this.config = config;
        this.storage = storage;
        this.clock = clock;
        this.events = events;
        this.queue = new TaskQueue(clock);
        this.gate = new DependencyGate(storage::find);
        this.concurrency = new ConcurrencyGate(config.limits());
        this.announce = new AnnounceChange(events, queue, gate);
        this.follow = new FollowChange(clock, queue, gate, concurrency, announce);
        this.lifecycle = new TaskLifecycle(
                new ClaimTask(storage, executor, clock, queue, gate, concurrency, locks, here, announce),
                new RunAttempt(storage, clock, events, locks, here),
                new RecordOutcome(storage, clock, concurrency, locks, config.retryPolicy(), here, announce),
                queue, here);
        this.cancelTask = new CancelTask(storage, executor, clock, queue, gate, concurrency, locks, here, announce);
        this.retryTask = new RetryTask(storage, clock, locks, announce);
        this.deleteTask = new DeleteTask(storage, locks, deletions, events);
        this.retention = new ExpireFinishedTasks(storage, deleteTask, clock, config.retention());
        this.recovery = new RecoverInterruptedTasks(storage, clock, events);
        this.sequence = new SequenceNumbers(clock, storage.isShared());
        this.fence = new FenceOnLostLease(storage, executor, here, clock);
    }

    /** Recovers what a previous process left and rebuilds the queue; call before taking submissions. */
    public synchronized void recover() {
        sequence.continueAfter(storage.maxSequence());
        recovery.run();
        for (Task task : storage.findUnfinished()) {
            if (task.status() == io.provisioning.orchestrator.task.TaskStatus.Pending) {
                queue.add(QueueEntries.of(task));
            }
        }
        recovered = true;
    }

    /** Starts the workers (recovering first if that has not been done). */
    public synchronized void start() {
        if (!recovered) {
            recover();
        }
        accepting = true;
        if (storage.isShared()) {
            otherNodes = new FollowOtherNodes(storage, follow, here, recovery, queue, Duration.ofSeconds(2));
            otherNodes.start();
            fence.start();
        }
        for (int i = 0; i < config.workers(); i++) {
            Thread worker = Thread.ofPlatform().name("worker-" + i).daemon(false).unstarted(this::workLoop);
            workers.add(worker);
            worker.start();
        }
        retention.start();
        LOG.info("started {} workers; {} tasks queued", config.workers(), queue.size());
    }

    /** Queues one task without an idempotency key; it is stored (durably) before this returns. */
    public Task submit(TaskBuilder builder) {
        List<Task> stored = new ArrayList<>(1);
        store(List.of(builder), null, stored);
        return stored.get(0);
    }

    /**
     * Stores a whole submission and queues its tasks: every task, and the idempotency record unless
     * it is null, in one atomic write ({@link TaskStorage#saveSubmission}). The builders come in an
     * order where each task follows the ones it depends on; a dependency outside the submission
     * must exist. When the key is already stored, nothing is written or queued and the stored
     * record is answered; empty means all of it was stored.
     */
    public Optional<IdempotencyRecord> submitAll(List<TaskBuilder> builders, IdempotencyRecord idempotency) {
        return store(builders, idempotency, new ArrayList<>());
    }

    /** Stores and queues the tasks (added to {@code stored}), or answers the record that already holds the key. */
    private Optional<IdempotencyRecord> store(List<TaskBuilder> builders, IdempotencyRecord idempotency,
            List<Task> stored) {
        Set<String> inSubmission = new HashSet<>();
        builders.forEach(b -> inSubmission.add(b.id()));
        boolean namesStoredTasks = builders.stream().flatMap(b -> b.dependencies().stream())
                .anyMatch(d -> !inSubmission.contains(d));
        if (namesStoredTasks) { // a deletion must not take a dependency between its check and this write
            return deletions.whileSubmitting(() -> checkAndStore(builders, idempotency, stored, inSubmission));
        }
        return checkAndStore(builders, idempotency, stored, inSubmission);
    }

    private Optional<IdempotencyRecord> checkAndStore(List<TaskBuilder> builders, IdempotencyRecord idempotency,
            List<Task> stored, Set<String> inSubmission) {
        for (TaskBuilder builder : builders) {
            for (String dependency : builder.dependencies()) {
                if (!inSubmission.contains(dependency) && storage.find(dependency).isEmpty()) {
                    throw new InvalidRequestException("depends_on names unknown task " + dependency);
                }
            }
        }
        Instant now = clock.instant();
        List<Task> tasks;
        for (int tries = 1; ; tries++) {
            tasks = builders.stream().map(b -> b.sequence(sequence.next()).pending(now)).toList();
            try {
                Optional<IdempotencyRecord> taken = storage.saveSubmission(tasks, idempotency);
                if (taken.isPresent()) {
                    return taken;
                }
                break;
            } catch (StorageUnavailableException e) {
                queueNeedsRebuild.set(true); // the write may have been stored before its answer was lost
                throw e;
            } catch (DuplicateSequenceException e) { // another node took the same number in the same microsecond
                if (tries == 5) {
                    throw e;
                }
            }
        }
        for (Task task : tasks) {
            events.publish(new TaskEvent.Changed(task)); // before a worker can take it, so watchers see Pending first
            queue.add(QueueEntries.of(task));
        }
        stored.addAll(tasks);
        return Optional.empty();
    }

    public Optional<Task> find(String id) {
        return storage.find(id);
    }

    public Task get(String id) {
        return storage.find(id).orElseThrow(() -> new TaskNotFoundException(id));
    }

    public TaskPage list(TaskQuery query) {
        return storage.list(query);
    }

    /** The filter's tasks per status, in one count (see {@link TaskStorage#countByStatus}). */
    public java.util.Map<TaskStatus, Long> countByStatus(TaskQuery filter) {
        return storage.countByStatus(filter);
    }

    public int queuedCount() {
        return queue.size() + gate.parkedCount() + concurrency.waitingCount();
    }

    /** Cancels a Pending task, or ends a Running one's process tree; a finished task answers 409. */
    public Task cancel(String id) {
        return cancelTask.cancel(id);
    }

    /** Puts a Failed or Cancelled task back in the queue as a new attempt. */
    public Task retry(String id) {
        return retryTask.retry(id);
    }

    /**
     * Deletes a finished task with its logs; an unfinished one, or one an unfinished task depends
     * on, answers 409. Answers the task's last state.
     */
    public Task delete(String id) {
        return deleteTask.delete(id);
    }

    /** Runs one retention sweep now (also run at start and every interval); answers how many were deleted. */
    public int expireFinishedTasks() {
        return retention.sweep();
    }

    public TaskStorage storage() {
        return storage;
    }

    /** Which durable parts cannot be written now, and why. */
    public DurabilityReport durability() {
        return durability;
    }

    public TaskEventBus events() {
        return events;
    }

    public boolean isAccepting() {
        return accepting;
    }

    private void workLoop() {
        while (accepting) {
            try {
                if (fence.isFenced()) { // this node's leases may lapse: it claims nothing until a renewal succeeds
                    Thread.sleep(250);
                    continue;
                }
                if (!storageAvailable() || !everythingWritable()) { // pause: claims, outcomes, logs could not be stored
                    Thread.sleep(500);
                    continue;
                }
                Optional<QueueEntry> next = queue.take(java.time.Duration.ofMillis(250));
                if (next.isPresent() && accepting) {
                    lifecycle.runOne(next.get());
                } else if (next.isPresent()) {
                    queue.add(next.get()); // stopping: leave it for the next start
                }
            } catch (InterruptedException e) {
                if (!accepting) {
                    return;
                }
            } catch (RuntimeException e) {
                // a worker never dies silently: log and take the next task
                LOG.error("worker loop error; going on", e);
            }
        }
    }

    private volatile boolean pausedForDisk;

    /** Pauses the workers while a durable part cannot be written (a full disk); they go on once it heals. */
    private boolean everythingWritable() {
        Optional<String> problem = durability.summary();
        if (problem.isEmpty()) {
            if (pausedForDisk) {
                pausedForDisk = false;
                LOG.info("every durable part can be written again; workers resume");
            }
            return true;
        }
        if (!pausedForDisk) {
            pausedForDisk = true;
            LOG.warn("{}; workers pause until it can", problem.get());
        }
        return false;
    }

    private volatile boolean pausedForStorage;
    /** Set when storage was away: a write whose answer was lost may have stored a task the queue does not know. */
    private final AtomicBoolean queueNeedsRebuild = new AtomicBoolean();

    private boolean storageAvailable() {
        try {
            storage.checkHealth();
            if (pausedForStorage) {
                pausedForStorage = false;
                LOG.info("storage is back; workers resume");
            }
            if (queueNeedsRebuild.compareAndSet(true, false)) {
                catchUpQueue();
            }
            return true;
        } catch (StorageUnavailableException e) {
            queueNeedsRebuild.set(true);
            if (!pausedForStorage) {
                pausedForStorage = true;
                LOG.warn("storage is unavailable ({}); workers pause until it is back", e.getMessage());
            }
            return false;
        }
    }

    /**
     * Queues the Pending tasks the store has and the queue lacks. A shared store's sweep does this
     * every few seconds anyway ({@link FollowOtherNodes}); a single process does it once storage is back.
     */
    private void catchUpQueue() {
        if (storage.isShared()) {
            return;
        }
        try {
            int added = 0;
            for (Task task : storage.findUnfinished()) {
                if (task.status() == io.provisioning.orchestrator.task.TaskStatus.Pending && !queue.contains(task.id())
                        && !follow.isHeldBack(task.id()) && !here.isRunning(task.id())) {
                    queue.add(QueueEntries.of(task));
                    added++;
                }
            }
            if (added > 0) {
                LOG.info("queued {} stored tasks the queue had lost while storage was away", added);
            }
        } catch (StorageUnavailableException e) {
            queueNeedsRebuild.set(true);
        }
    }

    /**
     * Stops taking tasks, lets running ones finish within the grace period, then interrupts
     * them (their process trees are ended and they are re-queued for the next start).
     */
    @Override
    public synchronized void close() {
        if (!accepting && workers.isEmpty()) {
            return;
        }
        accepting = false;
        retention.close();
        if (otherNodes != null) {
            otherNodes.close();
        }
        fence.close();
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        for (Thread worker : workers) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    worker.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread worker : workers) {
            if (worker.isAlive()) {
                worker.interrupt();
            }
        }
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
    }
}
