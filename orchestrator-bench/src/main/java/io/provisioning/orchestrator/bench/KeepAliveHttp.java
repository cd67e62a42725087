package io.provisioning.orchestrator.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The leanest HTTP/1.1 client there is, for timing a server rather than a client: one blocking
 * socket with {@code TCP_NODELAY}, kept alive, written and read on the calling thread. The JDK's
 * {@code HttpClient} hands each exchange between its own selector thread and an executor, which
 * on this machine added about 1.5 ms at p50 and 3–5 ms at p99 to an idle {@code POST}, measured
 * beside this client against the same server (docs/PERFORMANCE.md, section 7d). Knows only what
 * the orchestrator answers: a status line, headers, a {@code Content-Length} body. Not thread-safe.
 */
final class KeepAliveHttp implements AutoCloseable {
    /** A response: the status and the body as text. */
    record Response(int status, String body) {}

    private final String host;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    KeepAliveHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** POSTs a JSON body to {@code path}; connects (again) when there is no open connection. */
    Response postJson(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        if (socket != null) {
            try {
                return exchange(request);
            } catch (EOFException | java.net.SocketException stale) {
                // a kept-alive connection the server closed while idle, before it read this request: once more on a new one
                close();
            }
        }
        connect();
        return exchange(request);
    }

    private Response exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        return read();
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5_000);
        s.setSoTimeout(30_000);
        socket = s;
        out = s.getOutputStream();
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
    }

    private Response read() throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            close();
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        int length = -1;
        boolean closes = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closes = true;
            } else if (lower.startsWith("transfer-encoding:")) {
                close();
                throw new IOException("a chunked answer; this client reads Content-Length bodies only");
            }
        }
        if (length < 0) {
            close();
            throw new IOException("an answer without Content-Length (HTTP " + status + ")");
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        if (closes) {
            close();
        }
        return new Response(status, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream(128);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                close();
                throw new EOFException("the server closed the connection");
            }
            if (c != '\r') {
                text.write(c);
            }
        }
        return text.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
            socket = null;
        }
    }
}
