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
    void medians_and_percentiles_are_nearest_rank() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        long[] values = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
        assertThat(Stats.percentile(values, 50)).isEqualTo(5);
        assertThat(Stats.percentile(values, 99)).isEqualTo(10);
    }
}
