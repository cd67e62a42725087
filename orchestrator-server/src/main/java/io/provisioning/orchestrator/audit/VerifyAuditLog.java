package io.provisioning.orchestrator.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code provisioning audit verify}: checks the audit log's hash chain across every rotated file
 * and prints one line. Exit 0 when intact, 1 at the first entry that was edited, removed or
 * reordered, 2 when the log cannot be read.
 */
@Command(name = "provisioning audit verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Verifies the audit log's hash chain and reports the first entry that was edited, removed or reordered.")
public final class VerifyAuditLog implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "./data", description = "the server's data dir; the log is in its audit/ (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--audit-dir", description = "the audit folder, if not <data-dir>/audit")
    Path auditDir;

    @Option(names = "--anchor", paramLabel = "SEQ:HASH", description = "an entry noted earlier (e.g. from GET /audit) that must still be there, unchanged; catches removal of the newest entries")
    String anchor;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command; for a CLI that embeds it (e.g. as {@code audit verify}). */
    public static int run(String... args) {
        CommandLine line = new CommandLine(new VerifyAuditLog());
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("audit verify: " + e.getMessage());
            return 2;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() {
        Path dir = auditDir != null ? auditDir : dataDir.resolve("audit");
        if (!Files.isDirectory(dir)) {
            System.err.println("audit verify: no audit log at " + dir);
            return 2;
        }
        AuditVerification result = AuditChainVerifier.verify(dir, anchor);
        if (result.intact()) {
            System.out.println(result.summary());
            return 0;
        }
        System.out.println(result.summary());
        return 1;
    }
}
