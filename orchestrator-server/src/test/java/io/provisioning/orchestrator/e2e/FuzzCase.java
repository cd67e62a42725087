package io.provisioning.orchestrator.e2e;

import java.util.List;

/**
 * One generated request. {@code mustReject}: it carries something hostile, so only a 4xx will do;
 * otherwise anything but a 5xx. {@code raw}: sent byte for byte over a socket (for what an HTTP
 * client library would refuse to send).
 */
record FuzzCase(String label, String method, String target, List<String> headers, byte[] body, boolean mustReject,
        boolean raw) {}
