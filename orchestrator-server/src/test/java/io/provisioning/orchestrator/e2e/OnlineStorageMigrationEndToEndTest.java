package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import io.provisioning.orchestrator.storage.migration.StoreContents;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Online migration on the real server (its own process, as bin/orchestrator runs it) while clients
 * submit workflows and read tasks over HTTP without pause, for every ordered pair of backends:
 * afterwards every acknowledged task is in the new backend exactly once, no request was refused,
 * the server names the new backend, and a restart without --storage-type comes back on it.
 */
class OnlineStorageMigrationEndToEndTest {
    private static final int CLIENTS = 3;
    private static final int BEFORE_MIGRATION = 60;
    private static final int AFTER_SWITCH = 40;
    @TempDir static Path dbDir;
    static EngineHostProcess database;
    @TempDir Path root;

    static Stream<Arguments> everyOrderedPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (String from : StorageTypes.KNOWN) {
            for (String to : StorageTypes.KNOWN) {
                if (!from.equals(to)) {
                    pairs.add(Arguments.of(from, to));
                }
            }
        }
        return pairs.stream();
    }

    @BeforeAll
    static void startDatabase() throws Exception {
        if (builtInOrCi()) {
            database = EngineHostProcess.start(dbDir);
        }
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("everyOrderedPair")
    void moves_the_live_store_while_clients_write_and_loses_doubles_and_refuses_nothing(String from, String to)
            throws Exception {
        Assumptions.assumeTrue(builtInOrCi() || !(from + to).contains("surrealdb"), "built without -Psurrealdb");
        Path workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Path script = Components.repoRoot().resolve("orchestrator-server/src/test/resources/fixtures/cluster.sh");
        Path dataDir = root.resolve("data");
        String sourceDatabase = "src" + System.nanoTime();
        String targetDatabase = "dst" + System.nanoTime();
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        Map<String, Instant> acknowledgedAt = new ConcurrentHashMap<>();
        List<String> refused = new CopyOnWriteArrayList<>();

        String[] flags = java.util.stream.Stream.concat(java.util.Arrays.stream(sourceFlags(from, sourceDatabase)),
                java.util.stream.Stream.of("--storage-migration-root", root.toString())).toArray(String[]::new);
        try (ServerProcess server = ServerProcess.startWith(dataDir, workspace, script, "sh", flags)) {
            Api api = server.api();
            assertThat(api.get("/storage").data().path("type").asText()).isEqualTo(from);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = startClients(api, acknowledged, acknowledgedAt, refused, stop);
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= BEFORE_MIGRATION);

            Api.Reply started = api.post("/storage/migrations", targetBody(to, root.resolve("target"), targetDatabase));
            assertThat(started.status()).as(String.valueOf(started.body())).isEqualTo(202);
            assertThat(started.data().path("to").asText()).isEqualTo(to);
            Api.Reply again = api.post("/storage/migrations", targetBody(to, root.resolve("other"), targetDatabase + "x"));
            assertThat(again.status()).as("a second migration while one runs").isEqualTo(409);
            assertThat(again.error()).startsWith("a storage migration to " + to + " is already running (");

            List<Long> progress = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
                JsonNode status = api.get("/storage/migrations/current").data();
                progress.add(status.path("copied").asLong());
                assertThat(status.path("state").asText()).as(status.toString()).isNotEqualTo("FAILED");
                return status.path("state").asText().equals("SWITCHED");
            });
            int atSwitch = acknowledged.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= atSwitch + AFTER_SWITCH);
            stop.set(true);
            for (Thread client : clients) {
                client.join();
            }
            System.out.printf("online migration %s -> %s: %d tasks acknowledged, %d at the switch%n", from, to,
                    acknowledged.size(), atSwitch);

            assertThat(refused).as("requests refused during the migration").isEmpty();
            JsonNode storage = api.get("/storage").data();
            assertThat(storage.path("type").asText()).isEqualTo(to);
            JsonNode migration = storage.path("migration");
            assertThat(migration.path("source_digest").asText()).isEqualTo(migration.path("target_digest").asText());
            Instant copyStarted = Instant.parse(migration.path("started_at").asText());
            Instant switched = Instant.parse(migration.path("finished_at").asText());
            long duringCopy = acknowledgedAt.values().stream()
                    .filter(t -> t.isAfter(copyStarted) && t.isBefore(switched)).count();
            System.out.printf("  %d submitted while it copied and verified (%d ms), copied %d%n", duringCopy,
                    Duration.between(copyStarted, switched).toMillis(), migration.path("copied").asLong());
            assertThat(duringCopy).as("tasks submitted between the start of the copy and the switch").isPositive();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count(api, "?status=Completed") == acknowledged.size());
            assertThat(idsOnce(api)).containsExactlyInAnyOrderElementsOf(acknowledged);

            // the audit log has who started it and how it ended
            assertThat(api.get("/audit?action=" + java.net.URLEncoder.encode("POST /storage/migrations",
                    java.nio.charset.StandardCharsets.UTF_8)).data().findValuesAsText("outcome")).contains("202", "409");
            JsonNode ended = api.get("/audit?action=storage%20migration").data();
            assertThat(ended.size()).isEqualTo(1);
            assertThat(ended.get(0).path("target").asText()).isEqualTo(from + " -> " + to);
            assertThat(ended.get(0).path("outcome").asText()).isEqualTo("switched");
        }

        // a restart without --storage-type comes back on the new backend, with every task
        try (ServerProcess again = ServerProcess.startWith(dataDir, workspace, script, "sh")) {
            Api api = again.api();
            assertThat(api.get("/storage").data().path("type").asText()).isEqualTo(to);
            assertThat(count(api, "")).isEqualTo(acknowledged.size());
            assertThat(idsOnce(api)).containsExactlyInAnyOrderElementsOf(acknowledged);
        }

        // and the new backend itself holds each task once
        try (TaskStorage target = openTarget(to, root.resolve("target"), targetDatabase)) {
            StoreContents contents = StoreContents.read(target, 500, n -> { });
            assertThat(contents.hashes().keySet()).containsExactlyInAnyOrderElementsOf(acknowledged);
            assertThat(target.count()).isEqualTo(acknowledged.size());
        }
    }

    /** Clients that submit one workflow at a time and read back what they submitted, until told to stop. */
    private static List<Thread> startClients(Api api, List<String> acknowledged, Map<String, Instant> acknowledgedAt,
            List<String> refused, AtomicBoolean stop) {
        List<Thread> clients = new ArrayList<>();
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        Api.Reply reply = api.post("/workflows/servers/create", "{\"infra\":\"production\","
                                + "\"settings\":\"./settings.yaml\",\"servers\":[\"c" + client + "-" + i + "\"],\"max_attempts\":3}");
                        if (reply.status() != 200) {
                            refused.add("POST " + reply.status() + " " + reply.body());
                            continue;
                        }
                        String id = reply.data().asText();
                        if (seen.put(id, true) != null) {
                            refused.add("the same id twice: " + id);
                        }
                        acknowledged.add(id);
                        acknowledgedAt.put(id, Instant.now());
                        Api.Reply read = api.get("/tasks/" + id);
                        if (read.status() != 200) {
                            refused.add("GET " + read.status() + " " + read.body());
                        }
                        Thread.sleep(40);
                    } catch (Exception e) {
                        refused.add("client " + client + ": " + e);
                    }
                }
            }));
        }
        return clients;
    }

    private static Set<String> idsOnce(Api api) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int offset = 0; ; offset += 1000) {
            JsonNode page = api.get("/tasks?limit=1000&offset=" + offset).data();
            page.forEach(t -> ids.add(t.path("id").asText()));
            if (page.size() < 1000) {
                break;
            }
        }
        Set<String> unique = new HashSet<>(ids);
        assertThat(unique).as("task ids listed more than once").hasSize(ids.size());
        return unique;
    }

    private static long count(Api api, String query) throws Exception {
        Api.Reply reply = api.get("/tasks" + query + (query.isEmpty() ? "?" : "&") + "limit=1");
        return Long.parseLong(reply.headers().get("x-total-count").get(0));
    }

    private static String[] sourceFlags(String type, String databaseName) {
        return switch (type) {
            case "filesystem" -> new String[] {"--workers", "8", "--storage-type", "filesystem"};
            case "surrealdb-embedded" -> new String[] {"--workers", "8", "--storage-type", "surrealdb-embedded"};
            case "postgresql" -> {
                List<String> flags = postgres().serverFlags(postgres().createDatabase(databaseName));
                flags.addAll(List.of("--workers", "8"));
                yield flags.toArray(String[]::new);
            }
            default -> database.flags("--workers", "8", "--surrealdb-namespace", "migration", "--surrealdb-database",
                    databaseName);
        };
    }

    private static String targetBody(String type, Path dir, String databaseName) {
        if (type.equals("surrealdb-server")) {
            return "{\"to\":\"surrealdb-server\",\"surrealdb_url\":\"" + database.url() + "\",\"surrealdb_username\":\"root\","
                    + "\"surrealdb_password\":\"" + EngineHostProcess.PASSWORD + "\",\"surrealdb_namespace\":\"migration\","
                    + "\"surrealdb_database\":\"" + databaseName + "\",\"batch_size\":5}";
        }
        if (type.equals("postgresql")) {
            return "{\"to\":\"postgresql\",\"postgresql_url\":\"" + postgres().url(postgres().createDatabase(databaseName))
                    + "\",\"postgresql_user\":\"" + PostgresCluster.USER + "\",\"postgresql_password_file\":\""
                    + postgres().passwordFile() + "\",\"batch_size\":5}";
        }
        return "{\"to\":\"" + type + "\",\"data_dir\":\"" + dir + "\",\"batch_size\":5}";
    }

    private static PostgresCluster postgres() {
        return PostgresCluster.shared();
    }

    private static TaskStorage openTarget(String type, Path dir, String databaseName) {
        if (type.equals("surrealdb-server")) {
            return StorageTypes.open(type, dir, Map.of("surrealdb-url", database.url(), "surrealdb-username", "root",
                    "surrealdb-password", EngineHostProcess.PASSWORD, "surrealdb-namespace", "migration",
                    "surrealdb-database", databaseName, "surrealdb-node-id", "test"));
        }
        if (type.equals("postgresql")) {
            Map<String, String> options = postgres().storageOptions(databaseName);
            options.put("postgresql-node-id", "test");
            return StorageTypes.open(type, dir, options);
        }
        return StorageTypes.open(type, dir, Map.of());
    }

    /** In CI a backend missing from the build fails the test instead of skipping it. */
    private static boolean builtInOrCi() {
        boolean ci = System.getenv("CI") != null && !"false".equalsIgnoreCase(System.getenv("CI"));
        return ci || StorageTypes.builtIn().contains("surrealdb-server");
    }
}
