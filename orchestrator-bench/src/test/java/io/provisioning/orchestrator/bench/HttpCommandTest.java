package io.provisioning.orchestrator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/bench http: wrk's summary is read right, and a short real wrk run against the server is checked for durability. */
class HttpCommandTest {
    private static final Path REPO = Path.of(System.getProperty("orchestrator.repo.root", ".."));

    @TempDir
    Path dataRoot;

    @Test
    void reads_the_rate_the_errors_and_the_latency_distribution_of_wrk() {
        String out = """
                Running 10s test @ http://127.0.0.1:41395/workflows/servers/create
                  2 threads and 64 connections
                  Latency Distribution
                     50%  128.25us
                     75%    1.63ms
                     90%    1.88ms
                     99%    4.10ms
                  4432 requests in 10.04s, 13.48KB read
                  Socket errors: connect 0, read 3, write 0, timeout 2
                  Non-2xx or 3xx responses: 30
                Requests/sec:    441.38
                """;
        Wrk.Result result = Wrk.parse(out);
        assertThat(result.requestsPerSecond()).isEqualTo(441.38);
        assertThat(result.errors()).isEqualTo(32); // 30 non-2xx and 2 timeouts; read errors are wrk closing at the end
        assertThat(result.requests()).isEqualTo(4400);
        assertThat(result.p50Micros()).isEqualTo(128.25);
        assertThat(result.p99Micros()).isEqualTo(4100);
    }

    @Test
    void a_real_wrk_run_with_distinct_bodies_leaves_every_acknowledged_task_on_disk() throws Exception {
        boolean wrk = java.util.stream.Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "wrk")));
        if (System.getenv("CI") != null) {
            assertThat(wrk).as("wrk (Debian's package, installed by .ci/run)").isTrue();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(wrk, "wrk is not installed");
        BenchFixture fixture = new BenchFixture(REPO.resolve("bench"), "nu", dataRoot);
        Path lua = Files.writeString(dataRoot.resolveSibling(dataRoot.getFileName() + ".lua"), HttpCommand.distinctBodiesScript());
        HttpCommand command = new HttpCommand();
        command.wrk = "wrk";
        command.wrkThreads = 1;
        command.connections = 4;
        command.workers = 4;
        try {
            // submitWithWrk throws when a request was not answered 200 or an acknowledged task is
            // missing from the store reopened after the server closed
            Wrk.Result result = command.submitWithWrk(fixture, lua, 1);
            assertThat(result.requests()).isPositive();
            assertThat(result.errors()).isZero();
        } finally {
            Files.deleteIfExists(lua);
        }
        assertThat(dataRoot).isEmptyDirectory();
    }
}
