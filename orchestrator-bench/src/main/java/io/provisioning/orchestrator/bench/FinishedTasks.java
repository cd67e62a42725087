package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.storage.filesystem.FilesystemTaskStorage;
import io.provisioning.orchestrator.task.Task;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import java.util.Set;

/** Many finished tasks written straight through the storage SPI (not HTTP), and the listing timed against them. */
final class FinishedTasks {
    private static final int BATCH = 10_000;

    private FinishedTasks() {}

    /**
     * {@code count} Completed tasks, finished an hour ago, in the data dir's filesystem store (closed:
     * files written); {@code keyed}: each carries an idempotency key and has its key record.
     */
    static void write(Path dataDir, int count, boolean keyed, BenchFixture fixture) {
        long t0 = System.nanoTime();
        Instant finishedAt = Instant.now().minusSeconds(3600);
        try (FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir)) {
            long sequence = storage.maxSequence();
            for (int done = 0; done < count; ) {
                int n = Math.min(BATCH, count - done);
                List<Task> batch = new ArrayList<>(n);
                List<IdempotencyRecord> records = new ArrayList<>(keyed ? n : 0);
                for (int i = 0; i < n; i++) {
                    var builder = fixture.task().sequence(++sequence);
                    if (keyed) {
                        String key = "bench-key-" + sequence;
                        builder.idempotencyKey(key).requestHash("sha256:" + Long.toHexString(sequence));
                    }
                    Task task = builder.pending(finishedAt.minusSeconds(2)).start(finishedAt.minusSeconds(1)).complete(finishedAt, 0, "done");
                    batch.add(task);
                    if (keyed) {
                        records.add(new IdempotencyRecord(task.idempotencyKey(), task.requestHash(), Map.of("task", task.id()), finishedAt));
                    }
                }
                storage.importBatch(batch, Set.of());
                storage.importIdempotencyRecords(records);
                done += n;
            }
        }
        System.out.printf("wrote %,d finished" + (keyed ? " keyed" : "") + " tasks through the storage SPI (importBatch, then the close's checkpoint) in %.1f s%n",
                count, (System.nanoTime() - t0) / 1e9);
    }

    /** Median and worst of {@code samples} GET /tasks?status=Pending (default limit 50) over loopback HTTP. */
    static void timePendingListing(int port, int samples) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tasks?status=Pending")).GET().build();
        long[] nanos = new long[samples];
        String total = null;
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            nanos[i] = System.nanoTime() - t0;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /tasks?status=Pending answered " + response.statusCode());
            }
            total = response.headers().firstValue("X-Total-Count").orElse("?");
        }
        Arrays.sort(nanos);
        System.out.printf("GET /tasks?status=Pending (%s Pending): median %.1f ms, p95 %.1f ms, max %.1f ms over %d requests%n",
                total, nanos[samples / 2] / 1e6, nanos[(int) (samples * 0.95)] / 1e6, nanos[samples - 1] / 1e6, samples);
    }
}
