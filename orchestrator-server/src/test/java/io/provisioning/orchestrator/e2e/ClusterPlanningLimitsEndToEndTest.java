package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster planning runs real {@code nu} processes: at most {@code --cluster-plan-limit} of them at
 * once whatever the number of requests (the others get 429 with Retry-After), {@code /health}
 * keeps answering while they run, and a plan over {@code --cluster-plan-timeout} has its whole
 * process tree ended.
 */
class ClusterPlanningLimitsEndToEndTest {
    private static final int LIMIT = 2;
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void startServer() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        server = ServerProcess.start(dataDir, workspace,
                Components.repoRoot().resolve("orchestrator-server/src/test/resources/fixtures/limits.nu"),
                "--workers", "1", "--cluster-plan-limit", Integer.toString(LIMIT), "--cluster-plan-timeout", "8");
        api = server.api();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void a_hundred_concurrent_cluster_plans_run_at_most_the_limit_of_nu_processes_and_health_keeps_answering()
            throws Exception {
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger mostPlanning = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> busiest = new java.util.concurrent.atomic.AtomicReference<>("");
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (sending.get()) {
                List<ProcessHandle> together = planningAtOnce();
                if (together.size() > mostPlanning.get()) {
                    mostPlanning.set(together.size());
                    busiest.set(describe(together));
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        ConcurrentLinkedQueue<Integer> healthDuringPlans = new ConcurrentLinkedQueue<>();
        Thread health = Thread.ofPlatform().start(() -> {
            while (sending.get()) {
                try {
                    healthDuringPlans.add(api.get("/health").status());
                    Thread.sleep(50);
                } catch (Exception e) {
                    healthDuringPlans.add(-1);
                    return;
                }
            }
        });
        List<Api.Reply> replies = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(100)) {
            List<Future<Api.Reply>> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sent.add(clients.submit(() -> api.post("/workflows/cluster/create", """
                        {"infra": "production", "settings": "./settings.yaml", "cluster_type": "slow",
                         "check_mode": true, "wait": false}""")));
            }
            for (Future<Api.Reply> reply : sent) {
                replies.add(reply.get());
            }
        } finally {
            sending.set(false);
            watcher.join();
            health.join();
        }
        List<Api.Reply> accepted = replies.stream().filter(r -> r.status() == 200).toList();
        List<Api.Reply> refused = replies.stream().filter(r -> r.status() == 429).toList();
        assertThat(replies.stream().filter(r -> r.status() != 200 && r.status() != 429).map(r -> r.status() + " " + r.body()))
                .as("every answer is 200 or 429").isEmpty();
        assertThat(accepted).as("the first plans were made").isNotEmpty();
        assertThat(refused).as("over the limit, plans are refused").isNotEmpty();
        Api.Reply busy = refused.getFirst();
        assertThat(busy.headers().get("retry-after")).as("429 says when to come back").containsExactly("1");
        assertThat(busy.error()).isEqualTo(LIMIT + " cluster plans are already being made (the limit, "
                + "--cluster-plan-limit); try again shortly");
        assertThat(mostPlanning.get()).as("nu planning processes at once (at the most: %s)", busiest.get())
                .isBetween(1, LIMIT);
        assertThat(healthDuringPlans).as("/health answered while the plans ran").isNotEmpty().containsOnly(200);
        accepted.forEach(r -> assertThat(r.data().asText()).matches("[0-9a-f-]{36}"));
    }

    @Test
    void a_plan_over_the_timeout_has_its_process_tree_ended_and_gets_a_clear_error() throws Exception {
        Api.Reply reply = api.post("/workflows/cluster/create", """
                {"infra": "production", "settings": "./settings.yaml", "cluster_type": "hangs",
                 "check_mode": true, "wait": false}""");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("planning cluster hangs took longer than 8s; its process was ended");
        assertThat(planningProcesses()).as("no planning nu left").isEmpty();
        assertThat(server.descendants().stream().filter(p -> commandLine(p).contains("sleep 295")).toList())
                .as("the plan's child process was ended too").isEmpty();
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    /**
     * Planning processes alive at one same moment. Listing /proc is not atomic: a plan that ends while it
     * runs and the next one started meanwhile would both be in one listing. A process in two listings
     * taken one after the other was alive from the end of the first to the start of the second, so the
     * processes in both were alive together.
     */
    private static List<ProcessHandle> planningAtOnce() {
        List<ProcessHandle> first = planningProcesses();
        List<ProcessHandle> second = planningProcesses();
        return first.stream().filter(p -> second.stream().anyMatch(q -> q.pid() == p.pid()
                && q.info().startInstant().equals(p.info().startInstant()))).toList();
    }

    /** Pid, parent, start and arguments of each (for the failure message: what was alive together). */
    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " (parent " + p.parent().map(ProcessHandle::pid).orElse(-1L)
                + ", started " + p.info().startInstant().map(Object::toString).orElse("?") + "): " + commandLine(p))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /**
     * The planning {@code nu} processes: those whose arguments say {@code cluster plan}, leaving out
     * any whose parent is one of them. At start nu runs {@code tput cols} and {@code tput lines}
     * (vfork, then execve along the PATH); until the execve succeeds the child shares nu's memory
     * and so shows nu's arguments, under load for long enough to be seen in two listings. That
     * child is no plan of its own (it once read as a third plan for a limit of 2).
     */
    private static List<ProcessHandle> planningProcesses() {
        List<ProcessHandle> matching = server.descendants().stream().filter(p -> commandLine(p).contains("cluster plan")).toList();
        java.util.Set<Long> pids = matching.stream().map(ProcessHandle::pid).collect(java.util.stream.Collectors.toSet());
        return matching.stream().filter(p -> p.parent().map(parent -> !pids.contains(parent.pid())).orElse(true)).toList();
    }

    private static String commandLine(ProcessHandle process) {
        Optional<String[]> args = process.info().arguments();
        return args.map(a -> String.join(" ", a)).orElse("");
    }
}
