package io.provisioning.orchestrator.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, small filesystem (tmpfs of a few MiB mounted on a fresh folder) that a test can fill to
 * the last byte with a filler file and free again. Mounting needs root: in CI (which runs as root)
 * a failed mount fails the test; elsewhere a non-root run skips it, saying why.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;
    private final Path filler;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    public static SmallDisk mount(Path under, int megabytes) throws Exception {
        Path point = Files.createDirectories(under.resolve("small-disk"));
        String failure = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755", "tmpfs",
                point.toString()));
        if (failure != null) {
            boolean root = "root".equals(System.getProperty("user.name"));
            if (System.getenv("CI") != null || root) {
                throw new IllegalStateException("cannot mount a " + megabytes + " MiB tmpfs on " + point + ": " + failure);
            }
            Assumptions.abort("mounting a tmpfs needs root (CI runs as root): " + failure);
        }
        return new SmallDisk(point);
    }

    public Path path() {
        return mountPoint;
    }

    /** Writes the filler until the disk takes no more bytes at all. */
    public void fill() throws IOException {
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int chunk : new int[] {1 << 20, 64 << 10, 4 << 10, 512, 1}) {
                ByteBuffer bytes = ByteBuffer.allocate(chunk);
                try {
                    while (true) {
                        bytes.clear();
                        while (bytes.hasRemaining()) {
                            ch.write(bytes);
                        }
                    }
                } catch (IOException full) {
                    // next, smaller chunks fill what is left
                }
            }
        }
    }

    /** Deletes the filler: the disk has room again. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws Exception {
        if (run(List.of("umount", mountPoint.toString())) != null) {
            run(List.of("umount", "-l", mountPoint.toString())); // a killed process may still hold a file
        }
    }

    /** Runs a command; null when it worked, else what it said. */
    private static String run(List<String> command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String output = new String(process.getInputStream().readAllBytes()).strip();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out";
        }
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
    }
}
