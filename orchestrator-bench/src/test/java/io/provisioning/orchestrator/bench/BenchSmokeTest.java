package io.provisioning.orchestrator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks still run end to end; no figure is checked (this machine is shared). */
class BenchSmokeTest {
    private static final Path REPO = Path.of(System.getProperty("orchestrator.repo.root", ".."));

    @TempDir
    Path dataRoot;

    @Test
    void the_engine_and_http_throughput_runs_complete_every_task() throws Exception {
        BenchFixture fixture = new BenchFixture(REPO.resolve("bench"), "nu", dataRoot);

        RunResult engine = new EngineThroughput(fixture, 4, 4).run(200);
        RunResult http = new HttpThroughput(fixture, 4, 4).run(200);

        assertThat(engine.startLatency()).hasSize(200);
        assertThat(http.requestLatency()).hasSize(200).doesNotContain(0L);
        assertThat(engine.completedPerSecond()).isPositive();
        assertThat(dataRoot).isEmptyDirectory(); // each run removes its data dir
    }

    @Test
    void the_latency_runs_time_every_probe_idle_and_behind_a_backlog() throws Exception {
        BenchFixture fixture = new BenchFixture(REPO.resolve("bench"), "nu", dataRoot);
        LatencyRun latency = new LatencyRun(fixture, 2, 20, 1, new Wrk("wrk"), 1);

        for (String path : List.of("engine", "http", "http-jdk")) {
            for (String scenario : LatencyRun.SCENARIOS) {
                LatencyRun.Result result = latency.run(path, scenario, 2, 10);
                assertThat(result.readyToStart()).hasSize(10);
                assertThat(result.submit()).hasSize(10).doesNotContain(0L);
                // HTTP: wrk's p50 and p99 of GET /health, from outside this JVM
                assertThat(result.floor()).hasSize(path.startsWith("http") ? 2 : 0);
                if (path.startsWith("http")) {
                    assertThat(result.floor()[0]).isPositive().isLessThanOrEqualTo(result.floor()[1]);
                }
            }
        }
        assertThat(dataRoot).isEmptyDirectory();
    }

    @Test
    void every_sse_subscriber_receives_every_status_change_of_every_task() throws Exception {
        BenchFixture fixture = new BenchFixture(REPO.resolve("bench"), "nu", dataRoot);

        SseFanOut.Result result = new SseFanOut(fixture, 5, 4, 4).run(100);

        assertThat(result.problems()).isEmpty();
        assertThat(result.expectedPerSubscriber()).isEqualTo(300); // Pending, Running, Completed each
        assertThat(result.missing()).isZero();
        assertThat(result.extra()).isZero();
        assertThat(result.completeSubscribers()).isEqualTo(5);
        assertThat(result.allDelivered()).isTrue();
        assertThat(dataRoot).isEmptyDirectory();
    }

    @Test
    void medians_and_percentiles_are_nearest_rank() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        long[] values = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
        assertThat(Stats.percentile(values, 50)).isEqualTo(5);
        assertThat(Stats.percentile(values, 99)).isEqualTo(10);
        assertThat(Stats.max(values)).isEqualTo(10);
        assertThat(Stats.max(new long[0])).isZero();
    }
}
