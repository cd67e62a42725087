package io.provisioning.orchestrator.storage.surrealdb.rpc;

/**
 * The server refused the whole request: {@code {"error": {"code", "message", "kind"}}}, for
 * example a parse error (-32000), failed authentication (-32002) or an unknown method (-32601).
 */
public class SurrealRpcException extends SurrealException {
    private final int code;
    private final String kind;

    public SurrealRpcException(String method, int code, String kind, String message) {
        super(method + " failed: " + message + " (code " + code + (kind == null ? "" : ", " + kind) + ")");
        this.code = code;
        this.kind = kind;
    }

    public int code() {
        return code;
    }

    public String kind() {
        return kind;
    }

    /** -32002: bad credentials or not signed in. */
    public boolean isAuthenticationError() {
        return code == -32002;
    }
}
