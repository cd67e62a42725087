package io.provisioning.orchestrator.e2e;

import io.provisioning.orchestrator.format.DataFormats;
import io.provisioning.orchestrator.format.FormatVersion;
import io.provisioning.orchestrator.format.UpgradeStep;
import io.provisioning.orchestrator.server.OrchestratorMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The real server with a test-only version 2 of the task event logs: its upgrade step walks every
 * task's log folder, slowly ({@code UPGRADE_STEP_DELAY_MS} per folder), appending one line per folder
 * to {@code <data-dir>/upgrade-trail.log}, so a test can SIGKILL it half way and count what ran.
 */
public final class UpgradingOrchestratorMain {
    static final String TRAIL = "upgrade-trail.log";

    private UpgradingOrchestratorMain() {}

    public static void main(String[] args) {
        long delay = Long.parseLong(System.getenv().getOrDefault("UPGRADE_STEP_DELAY_MS", "0"));
        System.exit(OrchestratorMain.run(args, DataFormats.current().withUpgrade(new SlowEventLogStep(delay))));
    }

    record SlowEventLogStep(long delayMillis) implements UpgradeStep {
        @Override
        public FormatVersion from() {
            return new FormatVersion(DataFormats.TASK_EVENT_LOGS, 1);
        }

        @Override
        public void apply(Path dataDir) throws IOException {
            try (Stream<Path> dirs = Files.list(dataDir.resolve("logs"))) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                    try (var channel = java.nio.channels.FileChannel.open(dataDir.resolve(TRAIL), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                        channel.write(java.nio.ByteBuffer.wrap((dir.getFileName() + "\n").getBytes(StandardCharsets.UTF_8)));
                        channel.force(true);
                    }
                }
            }
        }
    }
}
