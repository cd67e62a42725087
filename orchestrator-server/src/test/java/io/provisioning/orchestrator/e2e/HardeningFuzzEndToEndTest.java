package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.auth.AuthSettings;
import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.SigningKey;
import io.provisioning.orchestrator.auth.TestKeys;
import io.provisioning.orchestrator.auth.TokenMinter;
import io.provisioning.orchestrator.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At least 10,000 generated hostile requests against one real server process (seed and count:
 * {@code -Dfuzz.seed}, {@code -Dfuzz.requests}). Every hostile one answers 4xx and none 5xx; the
 * server keeps serving; the audit chain stays intact through rotations; no file appears outside
 * the data dir (the workspace is unchanged, nothing anywhere is named after the payloads' marker);
 * and every word any script received — task arguments and the cluster planner's calls, recorded by
 * the script itself — passes an independent check.
 */
class HardeningFuzzEndToEndTest {
    static final long SEED = Long.getLong("fuzz.seed", 20_261_125L);
    static final int REQUESTS = Integer.getInteger("fuzz.requests", 10_000);
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final Pattern FLAG = Pattern.compile("--(infra|settings|check|wait)");
    static final Pattern SETTINGS = Pattern.compile("(\\./)?([A-Za-z0-9._][A-Za-z0-9._-]*/)*[A-Za-z0-9._][A-Za-z0-9._-]*");
    @TempDir Path root;

    @Test
    void ten_thousand_hostile_requests_get_4xx_and_the_server_keeps_serving_with_nothing_outside_its_data_dir()
            throws Exception {
        String marker = "FUZZMARK" + Long.toHexString(SEED) + Long.toHexString(System.nanoTime() & 0xffffff);
        Path workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Files.createDirectories(workspace.resolve("sub"));
        Files.writeString(workspace.resolve("sub/settings.yaml"), "provider: local\n");
        Files.createDirectories(workspace.resolve("infra"));
        Path scripts = Files.createDirectories(root.resolve("scripts"));
        Path recorder = Files.copy(Components.fixtureScript().resolveSibling("argv-recorder.nu"), scripts.resolve("main.nu"));
        Path keys = Files.createDirectories(root.resolve("keys"));
        Path secret = TestKeys.secretFile(keys, "jwt.secret");
        Path dataDir = root.resolve("data");
        FuzzRequests generator = new FuzzRequests(SEED, marker, Tokens.hs256(secret, Role.ADMIN, "fuzz-admin"),
                Tokens.hs256(secret, Role.OPERATOR, "fuzz-operator"), Tokens.hs256(secret, Role.VIEWER, "fuzz-viewer"),
                badTokens(keys, secret));
        Map<String, String> workspaceBefore = snapshot(workspace);
        List<String> rootBefore = listing(root);
        List<String> tmpBefore = markerFiles(Path.of(System.getProperty("java.io.tmpdir")), marker);
        List<FuzzCase> cases = generator.generate(REQUESTS);

        Outcomes outcomes = new Outcomes(secret);
        try (ServerProcess server = ServerProcess.start(dataDir, workspace, recorder, "--auth-hs256-secret-file",
                secret.toString(), "--workers", "1", "--task-timeout", "20", "--audit-max-file-bytes", "262144")) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            AtomicInteger next = new AtomicInteger();
            for (int w = 0; w < 4; w++) {
                pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < cases.size(); ) {
                        long start = System.nanoTime();
                        RawHttp.Answer answer = send(client, server.port(), cases.get(i), outcomes);
                        outcomes.time(cases.get(i), System.nanoTime() - start);
                        outcomes.check(cases.get(i), answer);
                    }
                });
            }
            long started = System.nanoTime();
            pool.shutdown();
            assertThat(pool.awaitTermination(15, TimeUnit.MINUTES)).as("the fuzz run ended in time").isTrue();
            outcomes.wallMillis = (System.nanoTime() - started) / 1_000_000;

            System.out.println("hardening fuzz (seed " + SEED + "): " + outcomes.summary());
            assertThat(outcomes.sent.sum()).isEqualTo(cases.size());
            assertThat(outcomes.problems).as(outcomes.summary()).isEmpty();

            Api admin = server.api().withToken(Tokens.hs256(secret, Role.ADMIN, "after-fuzz"));
            assertThat(admin.get("/health").status()).as("still serving").isEqualTo(200);
            assertThat(admin.post("/workflows/servers/create", "{\"infra\":\"production\",\"settings\":\"./settings.yaml\","
                    + "\"servers\":[\"after-fuzz\"]}").status()).as("still taking work").isEqualTo(200);
            JsonNode chain = admin.get("/audit/verify").data();
            assertThat(chain.path("intact").asBoolean()).as(chain.toString()).isTrue();
            assertThat(chain.path("files").asInt()).as("the audit log rotated under load").isGreaterThan(1);
            assertThat(server.log()).noneMatch(line -> line.contains("unexpected error"));

            List<List<String>> taskWords = taskWords(admin, recorder);
            assertThat(taskWords).as("some valid requests made tasks, so their arguments were checked").isNotEmpty();
            for (List<String> words : taskWords) {
                assertValidated(words, workspace, marker);
            }
        }
        List<List<String>> received = recordedCalls(scripts.resolve("argv.jsonl"));
        assertThat(received).as("scripts ran and recorded their words").isNotEmpty();
        for (List<String> words : received) {
            assertValidated(words, workspace, marker);
        }
        assertThat(snapshot(workspace)).as("the workspace is unchanged").isEqualTo(workspaceBefore);
        assertThat(listing(root)).as("nothing new beside the data dir").isEqualTo(rootBefore);
        assertThat(markerFiles(root, marker)).as("no file named from a payload, data dir included").isEmpty();
        assertThat(markerFiles(Path.of(System.getProperty("java.io.tmpdir")), marker)).isEqualTo(tmpBefore);
        assertThat(markerFiles(Components.repoRoot(), marker)).isEmpty();
        System.out.println("hardening fuzz: " + received.size() + " script calls checked");
        assertThat(REQUESTS).as("at least 10,000 generated requests per run").isGreaterThanOrEqualTo(10_000);
    }

    /** What happened to every request, and the problems found. */
    static final class Outcomes {
        final Queue<String> problems = new ConcurrentLinkedQueue<>();
        final LongAdder sent = new LongAdder();
        final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        final Map<String, LongAdder> nanosByLabel = new ConcurrentHashMap<>();
        final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        /** Requests whose pooled keep-alive connection the server had already closed, sent again on a new one. */
        final LongAdder resentOnFreshConnection = new LongAdder();
        volatile long wallMillis;
        private final String secretText;

        Outcomes(Path secret) throws IOException {
            this.secretText = Files.readString(secret).strip();
        }

        void check(FuzzCase fuzzCase, RawHttp.Answer answer) {
            sent.increment();
            byStatus.computeIfAbsent(answer.status(), s -> new LongAdder()).increment();
            String what = fuzzCase.label() + " (" + fuzzCase.method() + " " + abbreviate(fuzzCase.target()) + ")";
            if (answer.status() <= 0 || answer.status() >= 500) {
                problem(what + " answered " + answer.status() + ": " + abbreviate(answer.text()));
            } else if (fuzzCase.mustReject() && (answer.status() < 400 || answer.status() > 499)) {
                problem(what + " was not refused: " + answer.status() + " " + abbreviate(answer.text()));
            }
            if (answer.text().contains("root:x:0:0") || answer.text().contains(secretText)) {
                problem(what + " leaked a file or the secret");
            }
            if (answer.status() >= 400 && answer.text().startsWith("{")) {
                try {
                    JsonNode envelope = Json.mapper().readTree(answer.text());
                    String error = envelope.path("error").asText("");
                    if (envelope.path("success").asBoolean(true) || error.isBlank() || error.contains("\n")
                            || error.contains("Exception") || error.contains("\tat ")) {
                        problem(what + " answered a bad envelope: " + abbreviate(answer.text()));
                    }
                } catch (IOException notJson) {
                    problem(what + " answered broken JSON: " + abbreviate(answer.text()));
                }
            }
        }

        void time(FuzzCase fuzzCase, long nanos) {
            String label = fuzzCase.label().replaceAll("=.*| \\(.*", "");
            nanosByLabel.computeIfAbsent(label, l -> new LongAdder()).add(nanos);
            counts.computeIfAbsent(label, l -> new LongAdder()).increment();
        }

        String slowest() {
            return nanosByLabel.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                    .limit(5).map(e -> e.getKey() + " " + e.getValue().sum() / 1_000_000 + " ms/" + counts.get(e.getKey()).sum())
                    .toList().toString();
        }

        void problem(String text) {
            if (problems.size() < 30) {
                problems.add(text);
            }
        }

        String summary() {
            Map<Integer, Long> counts = new TreeMap<>();
            byStatus.forEach((status, n) -> counts.put(status, n.sum()));
            return sent.sum() + " requests in " + wallMillis + " ms, by status " + counts + ", " + resentOnFreshConnection.sum()
                    + " resent after a stale keep-alive connection; most time in " + slowest();
        }
    }

    private static RawHttp.Answer send(HttpClient client, int port, FuzzCase fuzzCase, Outcomes outcomes) {
        try {
            if (fuzzCase.raw()) {
                return RawHttp.send(port, fuzzCase.method(), fuzzCase.target(), fuzzCase.headers(), fuzzCase.body());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + fuzzCase.target()))
                    .timeout(Duration.ofSeconds(30))
                    .method(fuzzCase.method(), fuzzCase.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(fuzzCase.body()));
            for (int i = 0; i + 1 < fuzzCase.headers().size(); i += 2) {
                request.header(fuzzCase.headers().get(i), fuzzCase.headers().get(i + 1));
            }
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return new RawHttp.Answer(response.statusCode(), response.body());
            } catch (IOException staleConnection) {
                // the client library reused a keep-alive connection the server had closed (it does not
                // resend a POST by itself): send it once more on a connection of its own
                outcomes.resentOnFreshConnection.increment();
                return RawHttp.send(port, fuzzCase.method(), fuzzCase.target(), fuzzCase.headers(), fuzzCase.body());
            }
        } catch (IOException | RuntimeException e) {
            return new RawHttp.Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RawHttp.Answer(-1, "interrupted");
        }
    }

    /** Refused tokens of every kind: another key, expired, unsigned, altered, cut short, not a JWT. */
    private static List<String> badTokens(Path keys, Path secret) throws IOException {
        Path other = TestKeys.secretFile(keys, "other.secret");
        String good = Tokens.hs256(secret, Role.VIEWER, "fuzz");
        String[] parts = good.split("\\.");
        List<String> tokens = new ArrayList<>();
        tokens.add(Tokens.hs256(other, Role.ADMIN, "mallory"));
        tokens.add(Tokens.hs256(secret, Role.ADMIN, "late", Duration.ofMinutes(5), Clock.offset(Clock.systemUTC(),
                Duration.ofHours(-3))));
        tokens.add(new TokenMinter(SigningKey.hs256(secret), "evil-issuer", AuthSettings.DEFAULT_AUDIENCE, Clock.systemUTC())
                .mint("x", Role.ADMIN, Duration.ofHours(1)));
        tokens.add(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
                + "." + parts[1] + ".");
        tokens.add(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2));
        tokens.add(parts[0] + "." + parts[1].substring(2) + "." + parts[2]);
        tokens.add(parts[1] + "." + parts[0] + "." + parts[2]);
        tokens.add("a.b.c");
        tokens.add(good.replace('.', '_'));
        tokens.add("x".repeat(4000) + "." + "y".repeat(9000) + ".z");
        return tokens;
    }

    /** The words after the script path of every task the server holds. */
    private static List<List<String>> taskWords(Api admin, Path recorder) throws Exception {
        List<List<String>> all = new ArrayList<>();
        for (int offset = 0; ; offset += 1000) {
            JsonNode page = admin.get("/tasks?limit=1000&offset=" + offset).data();
            for (JsonNode task : page) {
                List<String> args = new ArrayList<>();
                task.path("args").forEach(a -> args.add(a.asText()));
                assertThat(task.path("command").asText()).isEqualTo(Components.nu());
                assertThat(args.get(0)).isEqualTo(recorder.toString());
                all.add(args.subList(1, args.size()));
            }
            if (page.size() < 1000) {
                return all;
            }
        }
    }

    private static List<List<String>> recordedCalls(Path log) throws IOException {
        List<List<String>> calls = new ArrayList<>();
        if (!Files.exists(log)) {
            return calls;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            List<String> words = new ArrayList<>();
            Json.mapper().readTree(line).path("words").forEach(w -> words.add(w.asText()));
            calls.add(words);
        }
        return calls;
    }

    /** An independent check of what a script may receive: known words and flags, names, and settings files in the workspace. */
    static void assertValidated(List<String> words, Path workspace, String marker) {
        assertThat(words.get(0)).as("%s", words).isIn("servers", "taskserv", "cluster");
        assertThat(words.get(1)).as("%s", words).isIn("create", "delete", "plan");
        for (int i = 2; i < words.size(); i++) {
            String word = words.get(i);
            assertThat(word).as("word %d of %s", i, words).doesNotContain(marker, "..", "\u0000", "\n", "$", ";", "|", "`");
            boolean ok = FLAG.matcher(word).matches() || (NAME.matcher(word).matches() && !word.contains(".."));
            if (!ok && words.get(i - 1).equals("--settings")) {
                Path resolved = workspace.resolve(word).normalize();
                ok = SETTINGS.matcher(word).matches() && resolved.startsWith(workspace) && Files.isRegularFile(resolved);
            }
            assertThat(ok).as("word %d of %s is a flag, a name or a settings file in the workspace", i, words).isTrue();
        }
    }

    /** Relative path to SHA-256 of every file under a folder. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                String hash = Files.isRegularFile(p)
                        ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                        : "dir";
                files.put(dir.relativize(p).toString(), hash);
            }
        }
        return files;
    }

    /** Every path under root except the data dir and the recording script's own record. */
    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.map(p -> root.relativize(p).toString())
                    .filter(p -> !p.equals("data") && !p.startsWith("data/") && !p.equals("scripts/argv.jsonl")).sorted().toList();
        }
    }

    private static List<String> markerFiles(Path dir, String marker) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir, dir.toString().startsWith("/tmp") ? 2 : 6)) {
            walk.filter(p -> p.getFileName() != null && p.getFileName().toString().contains(marker))
                    .forEach(p -> found.add(p.toString()));
        } catch (java.io.UncheckedIOException unreadable) {
            // a folder someone else is changing or we may not read: what was seen is checked
        }
        return found;
    }

    private static String abbreviate(String text) {
        String one = text.replace("\r", "\\r").replace("\n", "\\n");
        return one.length() > 160 ? one.substring(0, 160) + "..." : one;
    }
}
