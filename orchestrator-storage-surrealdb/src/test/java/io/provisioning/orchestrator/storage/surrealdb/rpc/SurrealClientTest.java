package io.provisioning.orchestrator.storage.surrealdb.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.storage.surrealdb.testing.TestEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WebSocket RPC client against the real engine. */
class SurrealClientTest {
    @TempDir static Path dir;
    static TestEngine engine;

    @BeforeAll
    static void startEngine() {
        engine = TestEngine.start(dir);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @Test
    void signs_in_selects_the_database_and_runs_a_query_with_variables() {
        try (SurrealClient client = SurrealClient.connect(engine.freshDatabase())) {
            JsonNode created = client.query("CREATE type::record('thing', $key) CONTENT $data RETURN AFTER",
                    Map.of("key", "a", "data", Map.of("big", 9007199254740993L, "name", "wëb-01 ✓", "list", List.of(1, 2.5))))
                    .last();
            assertThat(created.get(0).path("big").asLong()).isEqualTo(9007199254740993L);
            assertThat(created.get(0).path("name").asText()).isEqualTo("wëb-01 ✓");
            assertThat(created.get(0).path("id").asText()).isEqualTo("thing:a");
            assertThat(client.query("SELECT VALUE name FROM thing", Map.of()).last().get(0).asText()).isEqualTo("wëb-01 ✓");
            assertThat(client.version()).startsWith("surrealdb-");
        }
    }

    @Test
    void reports_a_failed_statement_as_a_typed_error_and_keeps_the_others() {
        try (SurrealClient client = SurrealClient.connect(engine.freshDatabase())) {
            QueryResult result = client.query("RETURN 1; THROW 'boom'; RETURN 3", Map.of());
            assertThat(result.get(0).ok()).isTrue();
            assertThat(result.get(2).result().asInt()).isEqualTo(3);
            assertThatThrownBy(result::orThrow).isInstanceOf(SurrealStatementException.class)
                    .hasMessageContaining("boom")
                    .satisfies(e -> assertThat(((SurrealStatementException) e).statement()).isEqualTo(1));
        }
    }

    @Test
    void reports_a_unique_index_violation_as_such() {
        try (SurrealClient client = SurrealClient.connect(engine.freshDatabase())) {
            client.query("DEFINE TABLE t SCHEMALESS; DEFINE INDEX u ON t FIELDS n UNIQUE; CREATE t:1 SET n = 1", Map.of()).orThrow();
            assertThatThrownBy(() -> client.query("CREATE t:2 SET n = 1", Map.of()).orThrow())
                    .isInstanceOfSatisfying(SurrealStatementException.class, e -> assertThat(e.isUniqueViolation()).isTrue());
        }
    }

    @Test
    void reports_a_parse_error_as_an_rpc_error_of_the_whole_request() {
        try (SurrealClient client = SurrealClient.connect(engine.freshDatabase())) {
            assertThatThrownBy(() -> client.query("SELEC * FROM nowhere", Map.of()))
                    .isInstanceOfSatisfying(SurrealRpcException.class, e -> assertThat(e.code()).isEqualTo(-32000))
                    .hasMessageContaining("Parse error");
        }
    }

    @Test
    void refuses_wrong_credentials_with_an_authentication_error() {
        SurrealOptions wrong = SurrealOptions.of(engine.url(), TestEngine.USER, "wrong", "test", "x");
        assertThatThrownBy(() -> SurrealClient.connect(wrong))
                .isInstanceOfSatisfying(SurrealRpcException.class, e -> assertThat(e.isAuthenticationError()).isTrue());
    }

    @Test
    void says_clearly_when_nothing_listens_at_the_url() throws Exception {
        int unused;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            unused = s.getLocalPort();
        }
        assertThatThrownBy(() -> SurrealClient.connect(SurrealOptions.of("ws://127.0.0.1:" + unused, "root", "x", "n", "d")))
                .isInstanceOf(SurrealUnavailableException.class)
                .hasMessageContaining("cannot connect to SurrealDB at ws://127.0.0.1:" + unused + "/rpc");
    }

    @Test
    void routes_live_notifications_to_the_listener_of_their_live_query_until_it_is_killed() {
        try (SurrealClient client = SurrealClient.connect(engine.freshDatabase())) {
            client.query("DEFINE TABLE a SCHEMALESS; DEFINE TABLE b SCHEMALESS", Map.of()).orThrow();
            List<LiveNotification> onA = new CopyOnWriteArrayList<>();
            List<LiveNotification> onB = new CopyOnWriteArrayList<>();
            LiveQuery liveA = client.live("a", onA::add);
            client.live("b", onB::add);
            client.query("CREATE a:1 SET x = 1; UPDATE a:1 SET x = 2; CREATE b:1 SET y = 1; DELETE a:1", Map.of()).orThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> onA.size() == 3 && onB.size() == 1);
            assertThat(onA).extracting(LiveNotification::action).containsExactlyInAnyOrder("CREATE", "UPDATE", "DELETE");
            assertThat(onA).allMatch(n -> n.record().equals("a:1") && n.liveId().equals(liveA.id()));
            assertThat(onB.get(0).result().path("y").asInt()).isEqualTo(1);
            liveA.close();
            client.query("CREATE a:2 SET x = 1; CREATE b:2 SET y = 2", Map.of()).orThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> onB.size() == 2);
            assertThat(onA).hasSize(3);
        }
    }

    @Test
    void times_out_a_request_that_gets_no_answer_in_time() {
        try (SurrealClient client = SurrealClient.connect(engine.freshDatabase())) {
            assertThatThrownBy(() -> client.query("SLEEP 2s; RETURN 1", Map.of(), Duration.ofMillis(200)))
                    .isInstanceOf(SurrealTimeoutException.class).hasMessageContaining("within 200 ms");
            assertThat(client.query("RETURN 7", Map.of()).last().asInt()).isEqualTo(7);
        }
    }

    @Test
    void answers_many_concurrent_requests_on_one_connection_each_with_its_own_result() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (SurrealClient client = SurrealClient.connect(engine.freshDatabase())) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                answers.add(pool.submit(() -> client.query("RETURN $n * 2", Map.of("n", n)).last().asInt()));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get()).isEqualTo(i * 2);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void reconnects_signs_in_again_and_restarts_live_queries_after_the_engine_comes_back() throws Exception {
        try (TestEngine own = TestEngine.start(dir.resolve("restart"));
                SurrealClient client = SurrealClient.connect(own.freshDatabase())) {
            AtomicInteger downs = new AtomicInteger();
            AtomicInteger ups = new AtomicInteger();
            client.addConnectionListener(new ConnectionListener() {
                @Override
                public void disconnected(Throwable cause) {
                    downs.incrementAndGet();
                }

                @Override
                public void reconnected() {
                    ups.incrementAndGet();
                }
            });
            client.query("DEFINE TABLE job SCHEMALESS; CREATE job:1 SET n = 1", Map.of()).orThrow();
            List<LiveNotification> seen = new CopyOnWriteArrayList<>();
            client.live("job", seen::add);

            own.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isConnected());
            assertThatThrownBy(() -> client.query("RETURN 1", Map.of()))
                    .isInstanceOf(SurrealUnavailableException.class).hasMessageContaining("unreachable");
            own.restart();
            await().atMost(Duration.ofSeconds(20)).until(client::isConnected);
            assertThat(downs.get()).isEqualTo(1);
            assertThat(ups.get()).isEqualTo(1);

            assertThat(client.query("SELECT VALUE n FROM job:1", Map.of()).last().get(0).asInt()).isEqualTo(1);
            client.query("UPDATE job:1 SET n = 2", Map.of()).orThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(n -> n.result().path("n").asInt() == 2));
        }
    }
}
