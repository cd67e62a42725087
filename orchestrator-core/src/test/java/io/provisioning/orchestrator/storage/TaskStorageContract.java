package io.provisioning.orchestrator.storage;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every storage backend passes unchanged. A backend's test extends this class and
 * supplies only how to open a fresh store and how to reopen the same one (as after a restart).
 */
public abstract class TaskStorageContract {
    protected TaskStorage storage;

    /** A new, empty store. */
    protected abstract TaskStorage openFresh() throws Exception;

    /** Closes {@code current} and opens the same data again, as a restarted process would. */
    protected abstract TaskStorage reopen(TaskStorage current) throws Exception;

    /**
     * A second process's store on the same data, for a backend several processes share; a
     * single-process backend answers null (its data directory is locked to one process).
     */
    protected TaskStorage openAnotherNode() throws Exception {
        return null;
    }

    @BeforeEach
    void openStorage() throws Exception {
        storage = openFresh();
    }

    @AfterEach
    void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    @Test
    void saves_a_task_and_finds_it_by_id_with_every_field_intact() {
        Task task = aTask().withPriority(77).withDependencies("00000000-0000-0000-0000-000000000001").running()
                .withProgress(Instant.parse("2026-01-01T00:00:05.123456789Z"), new Progress(40, "web-01 created"));
        storage.save(task);
        assertThat(storage.find(task.id())).contains(task);
    }

    @Test
    void saving_again_replaces_the_earlier_state() {
        Task pending = aTask().pending();
        storage.saveAndEnqueue(pending);
        Task running = pending.start(Instant.parse("2026-01-01T00:00:01Z"));
        storage.saveAndDequeue(running);
        assertThat(storage.find(pending.id())).get().extracting(Task::status).isEqualTo(TaskStatus.Running);
        assertThat(storage.list(TaskQuery.all()).total()).isEqualTo(1);
    }

    @Test
    void counts_by_status_and_priority_and_finds_the_tasks_finished_before_a_cutoff_after_a_reopen() throws Exception {
        Task old = aTask().withPriority(3).completed(); // finished 2026-01-01T00:00:02Z
        Task failed = aTask().withPriority(3).failed();
        Task recent = aTask().createdAt(Instant.parse("2026-03-01T00:00:00Z")).completed();
        Task pending = aTask().withPriority(9).pending();
        for (Task task : List.of(old, failed, recent, pending)) {
            storage.save(task);
        }
        storage.delete(failed.id());
        storage = reopen(storage);
        assertThat(storage.countsByStatusAndPriority()).isEqualTo(Map.of(
                TaskStatus.Completed, Map.of(3, 1L, recent.priority(), 1L), TaskStatus.Pending, Map.of(9, 1L)));
        Instant cutoff = Instant.parse("2026-02-01T00:00:00Z");
        assertThat(storage.scanFinishedBefore(cutoff, 0, 10)).containsExactly(old);
        assertThat(storage.scanFinishedBefore(cutoff, old.sequence(), 10)).isEmpty();
        assertThat(storage.scanFinishedBefore(Instant.parse("2027-01-01T00:00:00Z"), 0, 1)).containsExactly(old);
    }

    @Test
    void finds_nothing_for_an_unknown_id() {
        assertThat(storage.find("00000000-0000-0000-0000-00000000dead")).isEmpty();
    }

    @Test
    void lists_newest_first_filtered_by_status_with_limit_offset_and_total() {
        List<Task> saved = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Task task = i % 2 == 0 ? aTask().pending() : aTask().completed();
            storage.save(task);
            saved.add(task);
        }
        TaskPage all = storage.list(new TaskQuery(null, 3, 0));
        assertThat(all.total()).isEqualTo(10);
        assertThat(all.tasks()).extracting(Task::id)
                .containsExactly(saved.get(9).id(), saved.get(8).id(), saved.get(7).id());

        TaskPage completed = storage.list(new TaskQuery(TaskStatus.Completed, 2, 1));
        assertThat(completed.total()).isEqualTo(5);
        assertThat(completed.tasks()).extracting(Task::id).containsExactly(saved.get(7).id(), saved.get(5).id());
        assertThat(storage.list(new TaskQuery(TaskStatus.Cancelled, 10, 0)).tasks()).isEmpty();
    }

    @Test
    void filters_by_workflow_and_infra_in_the_store_with_a_total_of_every_match() {
        List<Task> saved = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String workflow = i % 3 == 0 ? "taskserv.create" : "servers.create";
            String infra = i % 2 == 0 ? "staging" : "production";
            Task task = aTask().withWorkflow(workflow).withInfra(infra).pending();
            storage.save(i % 4 == 0 ? task.start(Instant.parse("2026-01-01T00:00:01Z")) : task);
            saved.add(task);
        }
        storage.save(aTask().withWorkflow(null).withInfra(null).pending());

        TaskPage taskservs = storage.list(new TaskQuery(null, 2, 1).withWorkflow("taskserv.create"));
        assertThat(taskservs.total()).isEqualTo(4); // 0, 3, 6, 9
        assertThat(taskservs.tasks()).extracting(Task::id).containsExactly(saved.get(6).id(), saved.get(3).id());

        TaskPage production = storage.list(new TaskQuery(null, 100, 0).withInfra("production"));
        assertThat(production.total()).isEqualTo(6);
        assertThat(production.tasks()).extracting(Task::id).containsExactly(saved.get(11).id(), saved.get(9).id(),
                saved.get(7).id(), saved.get(5).id(), saved.get(3).id(), saved.get(1).id());

        TaskPage both = storage.list(new TaskQuery(TaskStatus.Pending, 100, 0).withWorkflow("taskserv.create")
                .withInfra("staging"));
        assertThat(both.total()).isEqualTo(1); // 6 (0 is Running)
        assertThat(both.tasks()).extracting(Task::id).containsExactly(saved.get(6).id());

        TaskPage running = storage.list(new TaskQuery(TaskStatus.Running, 100, 0).withWorkflow("taskserv.create"));
        assertThat(running.tasks()).extracting(Task::id).containsExactly(saved.get(0).id());
        assertThat(storage.list(new TaskQuery(null, 10, 0).withWorkflow("cluster.create")).total()).isZero();
        assertThat(storage.list(new TaskQuery(null, 10, 0).withInfra("nowhere")).tasks()).isEmpty();
    }

    @Test
    void counts_the_filter_per_status_whatever_status_it_names() {
        for (int i = 0; i < 9; i++) {
            Task task = aTask().withWorkflow(i % 3 == 0 ? "taskserv.create" : "servers.create").withInfra("staging").pending();
            storage.save(switch (i % 4) {
                case 0 -> task;
                case 1 -> task.start(Instant.parse("2026-01-01T00:00:01Z"));
                case 2 -> aTask().withWorkflow(task.workflow()).withInfra("staging").completed();
                default -> aTask().withWorkflow(task.workflow()).withInfra("staging").failed();
            });
        }
        storage.save(aTask().withWorkflow("servers.create").withInfra("production").completed());
        storage.save(aTask().withWorkflow(null).withInfra(null).pending());

        Map<TaskStatus, Long> staging = storage.countByStatus(new TaskQuery(TaskStatus.Cancelled, 1, 5).withInfra("staging"));
        assertThat(staging).containsExactlyInAnyOrderEntriesOf(Map.of(TaskStatus.Pending, 3L, TaskStatus.Running, 2L,
                TaskStatus.Completed, 2L, TaskStatus.Failed, 2L, TaskStatus.Cancelled, 0L));
        // i = 1, 2, 4, 5, 7, 8 are servers.create: Running 1 and 5, Completed 2, Failed 7, Pending 4 and 8
        assertThat(storage.countByStatus(TaskQuery.all().withWorkflow("servers.create").withInfra("staging")))
                .containsEntry(TaskStatus.Pending, 2L).containsEntry(TaskStatus.Running, 2L)
                .containsEntry(TaskStatus.Completed, 1L).containsEntry(TaskStatus.Failed, 1L);
        Map<TaskStatus, Long> everything = storage.countByStatus(TaskQuery.all());
        assertThat(everything.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(11);
        assertThat(everything).containsEntry(TaskStatus.Pending, 4L).containsEntry(TaskStatus.Completed, 3L);
        assertThat(storage.countByStatus(TaskQuery.all().withInfra("nowhere")).values()).containsOnly(0L).hasSize(5);
    }

    @Test
    void the_counts_per_status_always_add_up_while_tasks_move_on() throws Exception {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Task task = aTask().withWorkflow("servers.create").withInfra("moving").pending();
            storage.save(task);
            tasks.add(task);
        }
        ExecutorService mover = Executors.newSingleThreadExecutor();
        try {
            Future<?> moving = mover.submit(() -> {
                Instant at = Instant.parse("2026-01-01T00:00:01Z");
                for (Task task : tasks) {
                    Task running = task.start(at);
                    storage.save(running);
                    storage.save(running.complete(at.plusSeconds(1), 0, "done"));
                }
            });
            TaskQuery filter = TaskQuery.all().withInfra("moving");
            while (!moving.isDone()) {
                assertThat(storage.countByStatus(filter).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
            }
            moving.get();
        } finally {
            mover.shutdownNow();
        }
        assertThat(storage.countByStatus(TaskQuery.all().withInfra("moving"))).containsEntry(TaskStatus.Completed, 40L);
    }

    @Test
    void a_claim_from_a_copy_another_node_made_stale_is_refused_and_the_row_is_read_the_next_time() throws Exception {
        Task task = aTask().pending();
        assertThat(storage.saveSubmission(List.of(task), null)).isEmpty();
        Task copy = storage.findToClaim(task.id()).orElseThrow();
        assertThat(copy.status()).isEqualTo(TaskStatus.Pending);
        assertThat(copy.updatedAt()).isEqualTo(task.updatedAt());
        TaskStorage other = openAnotherNode();
        if (other == null) {
            return; // one process per store: nothing else writes it
        }
        try {
            Task seen = other.find(task.id()).orElseThrow();
            Task noted = seen.waitingFor(seen.updatedAt().plusSeconds(1), "a note from another node");
            assertThat(other.compareAndSave(seen, noted, QueueChange.KEEP)).isTrue();

            Instant now = noted.updatedAt().plusSeconds(1);
            Task stale = storage.findToClaim(task.id()).orElseThrow();
            if (stale.updatedAt().equals(task.updatedAt())) { // answered from this node's own copy: the claim must lose
                assertThat(storage.compareAndSave(stale, stale.start(now), QueueChange.REMOVE)).isFalse();
            }
            Task fresh = storage.findToClaim(task.id()).orElseThrow();
            assertThat(fresh.waitingFor()).isEqualTo("a note from another node");
            assertThat(storage.compareAndSave(fresh, fresh.start(now), QueueChange.REMOVE)).isTrue();
            assertThat(other.find(task.id()).orElseThrow().status()).isEqualTo(TaskStatus.Running);
        } finally {
            other.close();
        }
    }

    @Test
    void finds_the_dependents_of_a_task_in_the_store() {
        Task base = aTask().completed();
        Task other = aTask().completed();
        storage.save(base);
        storage.save(other);
        Task first = aTask().withDependencies(base.id()).pending();
        Task both = aTask().withDependencies(other.id(), base.id()).pending();
        Task unrelated = aTask().withDependencies(other.id()).pending();
        storage.save(first);
        storage.save(both);
        storage.save(unrelated);

        TaskPage dependents = storage.list(TaskQuery.all().withDependsOn(base.id()));
        assertThat(dependents.total()).isEqualTo(2);
        assertThat(dependents.tasks()).extracting(Task::id).containsExactly(both.id(), first.id());
        assertThat(storage.list(new TaskQuery(null, 1, 1).withDependsOn(other.id())).tasks()).extracting(Task::id)
                .containsExactly(both.id());
        assertThat(storage.list(TaskQuery.all().withDependsOn(first.id())).total()).isZero();
    }

    @Test
    void tracks_queue_entries_with_enqueue_and_dequeue() {
        Task a = aTask().pending();
        Task b = aTask().pending();
        storage.saveAndEnqueue(a);
        storage.saveAndEnqueue(b);
        storage.saveAndDequeue(a.start(Instant.parse("2026-01-01T00:00:01Z")));
        assertThat(storage.queuedTaskIds()).containsExactly(b.id());
    }

    @Test
    void finds_unfinished_tasks_for_recovery() {
        Task pending = aTask().pending();
        Task running = aTask().running();
        storage.save(pending);
        storage.save(running);
        storage.save(aTask().completed());
        storage.save(aTask().failed());
        assertThat(storage.findUnfinished()).extracting(Task::id).containsExactlyInAnyOrder(pending.id(), running.id());
    }

    @Test
    void finds_a_task_by_its_idempotency_key() {
        Task task = aTask().withIdempotencyKey("deploy-42").pending();
        storage.saveAndEnqueue(task);
        assertThat(storage.findByIdempotencyKey("deploy-42")).get().extracting(Task::id).isEqualTo(task.id());
        assertThat(storage.findByIdempotencyKey("other")).isEmpty();
    }

    @Test
    void remembers_the_highest_sequence() {
        storage.save(aTask().withSequence(7).pending());
        storage.save(aTask().withSequence(3).pending());
        assertThat(storage.maxSequence()).isEqualTo(7);
    }

    @Test
    void deletes_a_task_with_its_queue_entry_and_it_stays_deleted_across_a_restart() throws Exception {
        Task kept = aTask().completed();
        Task done = aTask().completed();
        Task queued = aTask().pending();
        storage.save(kept);
        storage.save(done);
        storage.saveAndEnqueue(queued);

        assertThat(storage.delete(done.id())).isTrue();
        assertThat(storage.delete(queued.id())).isTrue();

        assertThat(storage.find(done.id())).isEmpty();
        assertThat(storage.queuedTaskIds()).isEmpty();
        assertThat(storage.list(new TaskQuery(TaskStatus.Completed, 10, 0)).tasks()).extracting(Task::id)
                .containsExactly(kept.id());
        assertThat(storage.list(new TaskQuery(TaskStatus.Completed, 10, 0)).total()).isEqualTo(1);
        assertThat(storage.list(TaskQuery.all()).total()).isEqualTo(1);
        storage = reopen(storage);
        assertThat(storage.find(done.id())).isEmpty();
        assertThat(storage.find(queued.id())).isEmpty();
        assertThat(storage.find(kept.id())).contains(kept);
        assertThat(storage.queuedTaskIds()).isEmpty();
        assertThat(storage.count()).isEqualTo(1);
        assertThat(storage.scan(0, 10)).extracting(Task::id).containsExactly(kept.id());
    }

    @Test
    void deleting_an_unknown_task_answers_false_and_changes_nothing() {
        Task kept = aTask().completed();
        storage.save(kept);
        assertThat(storage.delete("00000000-0000-0000-0000-00000000dead")).isFalse();
        assertThat(storage.find(kept.id())).contains(kept);
    }

    @Test
    void a_task_saved_again_after_its_deletion_is_stored_anew() throws Exception {
        Task task = aTask().completed();
        storage.save(task);
        assertThat(storage.delete(task.id())).isTrue();
        storage.save(task);
        storage = reopen(storage);
        assertThat(storage.find(task.id())).contains(task);
        assertThat(storage.delete(task.id())).isTrue();
        assertThat(storage.delete(task.id())).isFalse();
    }

    @Test
    void keeps_every_acknowledged_write_across_a_restart() throws Exception {
        Task queued = aTask().pending();
        Task done = aTask().completed();
        storage.saveAndEnqueue(queued);
        storage.save(done);
        storage = reopen(storage);
        assertThat(storage.find(queued.id())).contains(queued);
        assertThat(storage.find(done.id())).contains(done);
        assertThat(storage.queuedTaskIds()).containsExactly(queued.id());
        assertThat(storage.maxSequence()).isEqualTo(Math.max(queued.sequence(), done.sequence()));
    }

    @Test
    void takes_concurrent_writes_from_many_threads_without_losing_one() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Task>> futures = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            futures.add(pool.submit(() -> {
                Task task = aTask().pending();
                storage.saveAndEnqueue(task);
                Task running = task.start(Instant.parse("2026-01-01T00:00:01Z"));
                storage.saveAndDequeue(running);
                Task completed = running.complete(Instant.parse("2026-01-01T00:00:02Z"), 0, "ok");
                storage.save(completed);
                return completed;
            }));
        }
        List<Task> written = new ArrayList<>();
        for (Future<Task> f : futures) {
            written.add(f.get());
        }
        pool.shutdown();
        storage = reopen(storage);
        for (Task task : written) {
            assertThat(storage.find(task.id())).contains(task);
        }
        assertThat(storage.queuedTaskIds()).isEmpty();
        assertThat(storage.list(new TaskQuery(TaskStatus.Completed, 1, 0)).total()).isEqualTo(400);
    }

    @Test
    void compare_and_save_writes_the_next_state_and_its_queue_change() {
        Task pending = aTask().pending();
        storage.saveAndEnqueue(pending);
        Task running = pending.start(Instant.parse("2026-01-01T00:00:01Z"));
        assertThat(storage.compareAndSave(pending, running, QueueChange.REMOVE)).isTrue();
        assertThat(storage.find(pending.id())).contains(running);
        assertThat(storage.queuedTaskIds()).isEmpty();
        Task retrying = running.retryLater(Instant.parse("2026-01-01T00:00:02Z"), Instant.parse("2026-01-01T00:00:09Z"),
                1, "", "exit code 1");
        assertThat(storage.compareAndSave(running, retrying, QueueChange.ADD)).isTrue();
        assertThat(storage.queuedTaskIds()).containsExactly(pending.id());
    }

    @Test
    void compare_and_save_refuses_a_stale_state_on_a_shared_store_and_always_answers_what_it_stored() {
        Task pending = aTask().pending();
        storage.saveAndEnqueue(pending);
        Task claimed = pending.start(Instant.parse("2026-01-01T00:00:01Z"));
        assertThat(storage.compareAndSave(pending, claimed, QueueChange.REMOVE)).isTrue();
        Task claimedAgain = pending.start(Instant.parse("2026-01-01T00:00:02Z"));
        boolean written = storage.compareAndSave(pending, claimedAgain, QueueChange.REMOVE);
        if (storage.isShared()) {
            // another node may have written since: the stale expectation must lose
            assertThat(written).isFalse();
        }
        // a single-process store may compare or leave that to the engine's per-task locks,
        // but what it answers must be what it stored
        assertThat(storage.find(pending.id())).contains(written ? claimedAgain : claimed);
    }

    @Test
    void finds_running_tasks_left_over_at_start_and_none_later() {
        Task running = aTask().running();
        storage.save(running);
        storage.save(aTask().pending());
        assertThat(storage.findOrphaned(true)).extracting(Task::id).containsExactly(running.id());
        assertThat(storage.findOrphaned(false)).isEmpty();
    }

    @Test
    void scans_every_task_in_sequence_order_batch_by_batch() {
        List<Task> saved = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Task task = aTask().pending();
            storage.save(task);
            saved.add(task);
        }
        List<Task> seen = new ArrayList<>();
        long after = 0;
        for (List<Task> batch = storage.scan(after, 3); !batch.isEmpty(); batch = storage.scan(after, 3)) {
            assertThat(batch).hasSizeLessThanOrEqualTo(3);
            seen.addAll(batch);
            after = batch.get(batch.size() - 1).sequence();
        }
        assertThat(seen).containsExactlyElementsOf(saved);
        assertThat(storage.count()).isEqualTo(7);
    }

    @Test
    void imports_a_batch_replacing_what_is_stored_with_the_queue_entries_given() {
        Task old = aTask().pending();
        storage.saveAndEnqueue(old);
        Task replaced = old.start(Instant.parse("2026-01-01T00:00:01Z")).complete(Instant.parse("2026-01-01T00:00:02Z"), 0, "ok");
        Task queued = aTask().withPriority(HIGH_PRIORITY).pending();
        storage.importBatch(List.of(replaced, queued), Set.of(queued.id()));
        assertThat(storage.find(old.id())).contains(replaced);
        assertThat(storage.find(queued.id())).contains(queued);
        assertThat(storage.queuedTaskIds()).containsExactly(queued.id());
        assertThat(storage.count()).isEqualTo(2);
    }

    // ---- whole submissions and their idempotency keys ----

    @Test
    void stores_a_whole_submission_with_its_queue_entries_and_key_record_across_a_restart() throws Exception {
        Task servers = aTask().pending();
        Task taskserv = aTask().withDependencies(servers.id()).pending();
        Task cluster = aTask().withDependencies(taskserv.id()).pending();
        IdempotencyRecord record = keyRecord("cluster-7", "hash-a", Map.of("task", cluster.id()));
        assertThat(storage.saveSubmission(List.of(servers, taskserv, cluster), record)).isEmpty();
        storage = reopen(storage);
        assertThat(storage.find(servers.id())).contains(servers);
        assertThat(storage.find(taskserv.id())).contains(taskserv);
        assertThat(storage.find(cluster.id())).contains(cluster);
        assertThat(storage.queuedTaskIds()).containsExactlyInAnyOrder(servers.id(), taskserv.id(), cluster.id());
        assertThat(storage.findIdempotencyRecord("cluster-7")).contains(record);
        assertThat(storage.findIdempotencyRecord("cluster-8")).isEmpty();
    }

    @Test
    void stores_a_submission_without_a_key() {
        Task one = aTask().pending();
        Task two = aTask().pending();
        assertThat(storage.saveSubmission(List.of(one, two), null)).isEmpty();
        assertThat(storage.queuedTaskIds()).containsExactlyInAnyOrder(one.id(), two.id());
        assertThat(storage.count()).isEqualTo(2);
    }

    @Test
    void a_submission_under_a_key_already_stored_writes_nothing_and_answers_the_stored_record() {
        Task first = aTask().pending();
        IdempotencyRecord record = keyRecord("batch-1", "hash-a", Map.of("a", first.id()));
        storage.saveSubmission(List.of(first), record);
        Task second = aTask().pending();
        Task third = aTask().pending();
        Optional<IdempotencyRecord> answer = storage.saveSubmission(List.of(second, third),
                keyRecord("batch-1", "hash-b", Map.of("a", second.id(), "b", third.id())));
        assertThat(answer).contains(record);
        assertThat(storage.find(second.id())).isEmpty();
        assertThat(storage.find(third.id())).isEmpty();
        assertThat(storage.count()).isEqualTo(1);
        assertThat(storage.queuedTaskIds()).containsExactly(first.id());
    }

    @Test
    void keeps_the_order_of_a_key_records_task_ids() {
        Map<String, String> ids = new LinkedHashMap<>();
        List<Task> tasks = new ArrayList<>();
        for (String ref : List.of("zeta", "alpha", "mid", "beta")) {
            Task task = aTask().pending();
            tasks.add(task);
            ids.put(ref, task.id());
        }
        storage.saveSubmission(tasks, keyRecord("ordered", "hash-a", ids));
        assertThat(storage.findIdempotencyRecord("ordered").orElseThrow().taskIds().keySet())
                .containsExactly("zeta", "alpha", "mid", "beta");
    }

    @Test
    void concurrent_submissions_with_one_key_store_exactly_one_even_from_two_processes() throws Exception {
        TaskStorage other = openAnotherNode();
        try {
            int writers = 20;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<IdempotencyRecord>>> answers = new ArrayList<>();
            List<List<Task>> submitted = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                List<Task> tasks = List.of(aTask().pending(), aTask().pending());
                submitted.add(tasks);
                TaskStorage node = other != null && i % 2 == 1 ? other : storage;
                IdempotencyRecord record = keyRecord("race", "hash-" + i, Map.of("task", tasks.get(1).id()));
                answers.add(pool.submit(() -> {
                    go.await();
                    return node.saveSubmission(tasks, record);
                }));
            }
            go.countDown();
            List<Integer> winners = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                if (answers.get(i).get().isEmpty()) {
                    winners.add(i);
                }
            }
            pool.shutdown();
            assertThat(winners).hasSize(1);
            List<Task> won = submitted.get(winners.get(0));
            assertThat(storage.count()).isEqualTo(2);
            assertThat(storage.queuedTaskIds()).containsExactlyInAnyOrder(won.get(0).id(), won.get(1).id());
            assertThat(storage.findIdempotencyRecord("race")).get().extracting(IdempotencyRecord::requestHash)
                    .isEqualTo("hash-" + winners.get(0));
            for (int i = 0; i < writers; i++) {
                if (i != winners.get(0)) {
                    assertThat(answers.get(i).get()).get().extracting(IdempotencyRecord::requestHash)
                            .isEqualTo("hash-" + winners.get(0));
                }
            }
        } finally {
            if (other != null) {
                other.close();
            }
        }
    }

    @Test
    void scans_every_key_record_in_key_order_batch_by_batch_submitted_and_imported_alike() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Task task = aTask().pending();
            String key = "sub-" + (char) ('g' - i) + "-" + i;
            storage.saveSubmission(List.of(task), keyRecord(key, "hash-" + i, Map.of("task", task.id())));
            keys.add(key);
        }
        List<IdempotencyRecord> imported = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Map<String, String> ids = new LinkedHashMap<>();
            ids.put("zeta", "id-z-" + i);
            ids.put("alpha", "id-a-" + i);
            imported.add(keyRecord("imp/" + i + " ünï", "hash-imp-" + i, ids));
        }
        storage.importIdempotencyRecords(imported);
        imported.forEach(r -> keys.add(r.key()));
        storage = reopen(storage);

        List<IdempotencyRecord> scanned = new ArrayList<>();
        String after = "";
        for (List<IdempotencyRecord> batch = storage.scanIdempotencyRecords(after, 3); !batch.isEmpty();
                batch = storage.scanIdempotencyRecords(after, 3)) {
            assertThat(batch.size()).isLessThanOrEqualTo(3);
            scanned.addAll(batch);
            after = batch.get(batch.size() - 1).key();
        }
        assertThat(scanned).extracting(IdempotencyRecord::key).containsExactlyInAnyOrderElementsOf(keys)
                .doesNotHaveDuplicates();
        for (IdempotencyRecord record : imported) {
            assertThat(storage.findIdempotencyRecord(record.key())).contains(record);
            assertThat(storage.findIdempotencyRecord(record.key()).orElseThrow().taskIds().keySet())
                    .containsExactly("zeta", "alpha");
        }
        assertThat(storage.count()).as("importing key records adds no task").isEqualTo(7);
    }

    @Test
    void an_imported_key_record_holds_its_key_for_later_submissions() {
        IdempotencyRecord copied = keyRecord("migrated-key", "hash-a", Map.of("task", "first-id"));
        storage.importIdempotencyRecords(List.of(copied));
        Task again = aTask().pending();
        assertThat(storage.saveSubmission(List.of(again), keyRecord("migrated-key", "hash-a", Map.of("task", again.id()))))
                .contains(copied);
        assertThat(storage.find(again.id())).isEmpty();
        IdempotencyRecord replaced = keyRecord("migrated-key", "hash-b", Map.of("task", "other-id"));
        storage.importIdempotencyRecords(List.of(replaced));
        assertThat(storage.findIdempotencyRecord("migrated-key")).contains(replaced);
        assertThat(storage.scanIdempotencyRecords("", 10)).containsExactly(replaced);
    }

    private static IdempotencyRecord keyRecord(String key, String hash, Map<String, String> ids) {
        return new IdempotencyRecord(key, hash, ids, Instant.parse("2026-01-01T00:00:00.123456Z"));
    }

    private static final int HIGH_PRIORITY = 90;

    @Test
    void reports_itself_healthy_when_it_can_take_writes() {
        storage.checkHealth();
        assertThat(storage.type()).isNotBlank();
    }
}
