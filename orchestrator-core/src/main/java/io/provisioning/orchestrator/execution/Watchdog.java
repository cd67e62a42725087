package io.provisioning.orchestrator.execution;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One attempt's watchdog as {@link AttemptLauncher} started it: the session leader's pid, its control
 * connection (this side writing {@code go}, and shutting its output to ask the tree to end) and the
 * script's stdout and stderr. What the watchdog reports once the script exited is {@link #report()}.
 */
final class Watchdog {
    /** The script exited with {@code code}; {@code gone}: the watchdog found nothing else left in the tree. */
    record Report(int code, boolean gone) {}

    private final long pid;
    private final SocketChannel ctl;
    private final InputStream ctlIn;
    private final InputStream out;
    private final SocketChannel outChannel;
    private final InputStream err;
    private final SocketChannel errChannel;
    private final CompletableFuture<Report> report = new CompletableFuture<>();

    Watchdog(long pid, SocketChannel ctl, InputStream ctlIn, InputStream out, SocketChannel outChannel, InputStream err,
            SocketChannel errChannel) {
        this.pid = pid;
        this.ctl = ctl;
        this.ctlIn = ctlIn;
        this.out = out;
        this.outChannel = outChannel;
        this.err = err;
        this.errChannel = errChannel;
    }

    long pid() {
        return pid;
    }

    InputStream stdout() {
        return out;
    }

    InputStream stderr() {
        return err;
    }

    /** The claim is stored: the script starts. False if the watchdog is gone. */
    boolean go() {
        try {
            ctl.write(ByteBuffer.wrap("go\n".getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            return false;
        }
        Thread.ofVirtual().start(this::readReport);
        return true;
    }

    /**
     * Completes once the control connection has ended: with the watchdog's report (then the watchdog
     * is exiting, having run nothing after it), or with null if it ended without one (it was ended, or killed).
     */
    CompletableFuture<Report> report() {
        return report;
    }

    private void readReport() {
        try {
            String line = AttemptLauncher.readLine(ctlIn, 128);
            String[] f = line == null ? new String[0] : line.split(" ");
            if (f.length == 3 && f[0].equals("exit")) {
                Report said = new Report(Integer.parseInt(f[1]), f[2].equals("gone"));
                // the end of the connection: the watchdog has closed it by exiting, and runs nothing more
                while (ctlIn.read() >= 0) {
                    // nothing else is said after the report
                }
                report.complete(said);
                return;
            }
        } catch (IOException | NumberFormatException e) {
            // no report: how it ended is found otherwise
        }
        report.complete(null);
    }

    /** Asks the watchdog to end the tree (TERM, the grace, KILL); it also does so when this JVM dies. */
    void requestEnd() {
        try {
            ctl.shutdownOutput();
        } catch (IOException e) {
            // closed already: the watchdog has seen the end of the connection
        }
    }

    /** Lets go of the connections; the watchdog, if still there, takes that as the sign to end the tree. */
    void close() {
        AttemptLauncher.closeQuietly(ctl);
        AttemptLauncher.closeQuietly(outChannel);
        AttemptLauncher.closeQuietly(errChannel);
    }
}
