package io.provisioning.orchestrator.task;

/** What the script last said about how far it got: 0..100 and a short message. */
public record Progress(int percent, String message) {
    public static final Progress NONE = new Progress(0, null);

    public Progress {
        percent = Math.max(0, Math.min(100, percent));
    }
}
