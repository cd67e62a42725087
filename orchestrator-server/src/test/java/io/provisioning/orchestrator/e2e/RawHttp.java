package io.provisioning.orchestrator.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** HTTP/1.1 over a plain socket, one request per connection, for requests a client library would not send. */
final class RawHttp {
    record Answer(int status, String text) {}

    private RawHttp() {}

    /** Reads to the end, keeping what came before a reset (a server may answer, then close hard). */
    private static byte[] readWhatArrives(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while (answer.size() < 64 * 1024 && (n = in.read(buffer)) > 0) {
                answer.write(buffer, 0, n);
            }
        } catch (IOException reset) {
            if (answer.size() < 12) {
                throw reset;
            }
        }
        return answer.toByteArray();
    }

    static Answer send(int port, String method, String target, List<String> headers, byte[] body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i + 1 < headers.size(); i += 2) {
                request.writeBytes((headers.get(i) + ": " + headers.get(i + 1) + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            if (body != null) {
                request.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                request.writeBytes(body);
            }
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.toByteArray());
                out.flush();
            } catch (IOException closedEarly) {
                // the server may answer and close before reading everything (e.g. 413, 431): read what it said
            }
            String text = new String(readWhatArrives(socket.getInputStream()), StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP answer: " + text.substring(0, Math.min(80, text.length())));
            }
            return new Answer(Integer.parseInt(text.substring(9, 12)), text);
        }
    }
}
