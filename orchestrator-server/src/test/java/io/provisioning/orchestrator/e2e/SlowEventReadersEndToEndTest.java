package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers of {@code GET /events} that stop reading while 1,000 real tasks run (about 20 MB of
 * events each would have to hold): each is dropped with one log line once its bounded buffer is
 * full, resumes from its last id with every task's end, a reader that keeps up misses nothing,
 * and the server's heap after a full GC stays flat instead of holding every event for them.
 */
class SlowEventReadersEndToEndTest {
    private static final int TASKS = 1_000;
    private static final int SLOW_READERS = 8;
    private static final Pattern ID = Pattern.compile("(?m)^id: (\\d+)$");
    @TempDir Path dataDir;
    @TempDir Path workspace;

    @Test
    void slow_readers_are_dropped_and_resume_while_the_others_get_everything_and_the_heap_stays_flat() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Path script = Components.repoRoot().resolve("orchestrator-server/src/test/resources/fixtures/chatty.sh");
        try (ServerProcess server = ServerProcess.startWith(dataDir, workspace, script, "sh", "--workers", "8")) {
            Api api = server.api();
            List<String> warmUp = submit(api, 100, "warm");
            await().atMost(Duration.ofMinutes(3)).until(() -> finished(api) >= warmUp.size());
            long heapBefore = heapAfterFullGc(server);

            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < SLOW_READERS; i++) {
                slow.add(stalledReader(server.port()));
            }
            try (SseReader fast = new SseReader(api.base() + "/events", null)) {
                List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
                Thread submitter = Thread.ofVirtual().start(() -> {
                    try {
                        ids.addAll(submit(api, TASKS, "t"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                await().atMost(Duration.ofMinutes(5)).until(() -> server.log().stream()
                        .filter(l -> l.contains("too slow")).count() >= SLOW_READERS);

                // a dropped reader reads what it was sent, then resumes after the last id it got
                String got = drain(slow.get(0));
                long lastId = lastId(got);
                assertThat(lastId).isPositive();
                Set<String> seen = ConcurrentHashMap.newKeySet();
                Matcher ended = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"[^\\n]*\"status\":\"Completed\"").matcher(got);
                while (ended.find()) {
                    seen.add(ended.group(1));
                }
                // resumes as an EventSource does: when the server drops it too (replaying thousands of events
                // while new ones arrive can outrun a reader on a loaded machine), again after its last id
                try (ResumingReader resumed = new ResumingReader(api.base() + "/events", lastId)) {
                    submitter.join(Duration.ofMinutes(5));
                    assertThat(ids).hasSize(TASKS);
                    await().atMost(Duration.ofMinutes(10)).until(() -> finished(api) >= warmUp.size() + TASKS);
                    await().atMost(Duration.ofMinutes(2)).until(() -> completedIn(fast.named("task")).containsAll(ids));
                    assertThat(fast.ended()).as("the reader that keeps up stays connected").isFalse();
                    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                        resumed.resumeIfDropped();
                        Set<String> all = new java.util.HashSet<>(seen);
                        all.addAll(completedIn(resumed.named("task")));
                        assertThat(all).as("the resumed reader saw every task end (resumed after %d; it got %d events, "
                                + "first id %s, resumed again %d times; the dropped reader got %d task ends; server log: %s)",
                                lastId, resumed.events().size(), resumed.events().isEmpty() ? "none"
                                        : resumed.events().get(0).id(), resumed.resumes(), seen.size(),
                                server.log().stream().filter(l -> l.contains("WARN") || l.contains("ERROR")).toList())
                                .containsAll(ids);
                    });
                    assertThat(resumed.events()).allSatisfy(e -> assertThat(Long.parseLong(e.id())).isGreaterThan(lastId));
                    assertThat(resumed.named("gap")).as("every event after its id was still kept (in memory or on disk)")
                            .isEmpty();
                    assertThat(server.log().stream().filter(l -> l.contains("too slow")).count())
                            .as("one log line per dropped reader").isEqualTo(SLOW_READERS + resumed.resumes());
                }
                long heapAfter = heapAfterFullGc(server);
                System.out.printf("slow readers: heap after full GC %d MiB before, %d MiB after %d tasks with %d stalled readers%n",
                        heapBefore >> 20, heapAfter >> 20, TASKS, SLOW_READERS);
                assertThat(heapAfter - heapBefore).as("heap growth (bytes) while %d readers stalled over %d tasks",
                        SLOW_READERS, TASKS).isLessThan(96L * 1024 * 1024);
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    /** A reader of /events after an id that, once the server drops it, reconnects after the last id it got. */
    private static final class ResumingReader implements AutoCloseable {
        private final String url;
        private final List<SseReader> readers = new ArrayList<>();
        private String after;

        ResumingReader(String url, long after) {
            this.url = url;
            this.after = Long.toString(after);
            readers.add(new SseReader(url, this.after));
        }

        void resumeIfDropped() {
            SseReader current = readers.get(readers.size() - 1);
            if (current.ended()) {
                for (SseReader.Event event : current.events) {
                    if (event.id() != null) {
                        after = event.id();
                    }
                }
                readers.add(new SseReader(url, after));
            }
        }

        int resumes() {
            return readers.size() - 1;
        }

        List<SseReader.Event> events() {
            List<SseReader.Event> all = new ArrayList<>();
            readers.forEach(r -> all.addAll(r.events));
            return all;
        }

        List<SseReader.Event> named(String name) {
            return events().stream().filter(e -> e.name().equals(name)).toList();
        }

        @Override
        public void close() {
            readers.forEach(SseReader::close);
        }
    }

    private static List<String> submit(Api api, int count, String prefix) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(api.createServers("", prefix + "-" + i));
        }
        return ids;
    }

    private static long finished(Api api) throws Exception {
        return api.get("/tasks?status=Completed&limit=1").headers().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("X-Total-Count")).mapToLong(h -> Long.parseLong(h.getValue().get(0)))
                .findFirst().orElseThrow();
    }

    private static Set<String> completedIn(List<SseReader.Event> events) {
        return events.stream().filter(e -> e.data().path("status").asText().equals("Completed"))
                .map(e -> e.data().path("id").asText()).collect(Collectors.toSet());
    }

    /** Connects to /events with a tiny receive buffer and reads nothing. */
    private static Socket stalledReader(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Everything a dropped reader was sent, up to the server's close. */
    private static String drain(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[65536];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                all.write(buffer, 0, n);
            }
        } catch (IOException endedOrReset) {
            // what arrived is kept
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** The last id of a complete event (an id line followed by its data line). */
    private static long lastId(String stream) {
        long last = 0;
        Matcher m = Pattern.compile("(?m)^id: (\\d+)\\n(?:event: .*\\n)?data: .*\\n\\n").matcher(stream);
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        if (last == 0) {
            Matcher any = ID.matcher(stream);
            while (any.find()) {
                last = Long.parseLong(any.group(1));
            }
        }
        return last;
    }

    /** Heap in use after a full GC of the server (jcmd GC.run, then /metrics). */
    private static long heapAfterFullGc(ServerProcess server) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path jcmd = Path.of(java).resolveSibling("jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(server.pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        assertThat(gc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gc.exitValue()).as("jcmd GC.run").isZero();
        long used = 0;
        for (String line : server.api().text("/metrics").body().lines().toList()) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return used;
    }
}
