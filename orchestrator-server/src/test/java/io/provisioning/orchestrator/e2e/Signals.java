package io.provisioning.orchestrator.e2e;

import java.util.concurrent.TimeUnit;

/** SIGSTOP and SIGCONT, which Java's process API does not send: a process that hangs without closing its sockets. */
final class Signals {
    private Signals() {}

    static void stop(long pid) throws Exception {
        send("-STOP", pid);
    }

    static void resume(long pid) throws Exception {
        send("-CONT", pid);
    }

    private static void send(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill " + signal + " " + pid + " failed");
        }
    }
}
