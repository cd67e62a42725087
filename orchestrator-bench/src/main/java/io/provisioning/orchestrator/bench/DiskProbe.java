package io.provisioning.orchestrator.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor under every durable write: how long one fdatasync of a journal-sized append takes in
 * the data dir right now. Printed next to the throughput figures, since a shared disk varies.
 */
final class DiskProbe {
    private DiskProbe() {}

    static String describe(Path dataRoot) {
        try {
            Path file = Files.createTempFile(dataRoot, "fdatasync-probe-", ".log");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                long[] micros = new long[200];
                ByteBuffer record = ByteBuffer.allocate(700);
                for (int i = 0; i < micros.length; i++) {
                    record.clear();
                    long t0 = System.nanoTime();
                    channel.write(record);
                    channel.force(false);
                    micros[i] = (System.nanoTime() - t0) / 1_000;
                }
                return String.format("disk: fdatasync of a 700-byte append in the data dir, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms",
                        Stats.percentile(micros, 50) / 1000.0, Stats.percentile(micros, 90) / 1000.0,
                        Stats.percentile(micros, 99) / 1000.0);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            return "disk: fdatasync probe failed: " + e.getMessage();
        }
    }
}
