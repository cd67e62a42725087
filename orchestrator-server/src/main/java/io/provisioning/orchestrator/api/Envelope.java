package io.provisioning.orchestrator.api;

/** Every response body (compat): {@code {"success": bool, "data": ..., "error": ...}}. */
public record Envelope(boolean success, Object data, String error) {
    public static Envelope ok(Object data) {
        return new Envelope(true, data, null);
    }

    public static Envelope failure(String error) {
        return new Envelope(false, null, error);
    }
}
