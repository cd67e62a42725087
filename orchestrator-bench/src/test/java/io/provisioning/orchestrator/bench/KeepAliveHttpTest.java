package io.provisioning.orchestrator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The bench's lean client against a loopback socket that answers as told (the real server is in BenchSmokeTest). */
class KeepAliveHttpTest {

    @Test
    void keeps_one_connection_and_opens_another_when_the_server_closed_the_idle_one() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<Integer> connections = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread serving = Thread.ofPlatform().daemon().start(() -> {
                try {
                    // first connection: two exchanges, then closed as an idle timeout would; second: one exchange
                    for (int answers : new int[] {2, 1}) {
                        try (Socket s = server.accept()) {
                            connections.add(answers);
                            for (int i = 0; i < answers; i++) {
                                bodies.add(exchange(s, "{\"data\":\"" + bodies.size() + "\"}"));
                            }
                        }
                    }
                } catch (IOException e) {
                    bodies.add("server failed: " + e);
                }
            });
            try (KeepAliveHttp http = new KeepAliveHttp("127.0.0.1", server.getLocalPort())) {
                assertThat(http.postJson("/x", "{\"n\":1}")).isEqualTo(new KeepAliveHttp.Response(200, "{\"data\":\"0\"}"));
                assertThat(http.postJson("/x", "{\"n\":2}").body()).isEqualTo("{\"data\":\"1\"}");
                Thread.sleep(100); // the server has closed the first connection by now
                assertThat(http.postJson("/x", "{\"n\":3}").body()).isEqualTo("{\"data\":\"2\"}");
            }
            serving.join(5_000);
        }
        assertThat(bodies).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        assertThat(connections).containsExactly(2, 1);
    }

    @Test
    void refuses_an_answer_it_cannot_read_whole_with_a_sentence() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept()) {
                    readRequest(s);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the client went
                }
            });
            try (KeepAliveHttp http = new KeepAliveHttp("127.0.0.1", server.getLocalPort())) {
                assertThatThrownBy(() -> http.postJson("/x", "{}")).isInstanceOf(IOException.class)
                        .hasMessageContaining("Content-Length bodies only");
            }
        }
    }

    /** Reads one request and answers {@code json}; returns the request's body. */
    private static String exchange(Socket s, String json) throws IOException {
        String body = readRequest(s);
        byte[] answer = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + answer.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(answer);
        out.flush();
        return body;
    }

    private static String readRequest(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return new String(body);
    }
}
