package io.provisioning.orchestrator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk} (Debian's package: a load generator outside this JVM) with an argument list and reads its summary. */
final class Wrk {
    private final String binary;

    Wrk(String binary) {
        this.binary = binary;
    }

    record Result(double requestsPerSecond, long requests, long errors, double p50Micros, double p99Micros, String output,
            double serverCpuSeconds) {
        Result withServerCpu(double seconds) {
            return new Result(requestsPerSecond, requests, errors, p50Micros, p99Micros, output, seconds);
        }
    }

    Result run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return parse(out);
    }

    /** One keep-alive connection, one request after the other, for {@code seconds}: {@code wrk -t1 -c1 --latency}. */
    Result oneConnection(String url, int seconds) throws IOException, InterruptedException {
        return run(List.of("-t1", "-c1", "-d" + seconds + "s", "--latency", url));
    }

    /** Reads wrk's summary: "N requests in", "Requests/sec:", "Non-2xx or 3xx responses:", the latency distribution. */
    static Result parse(String out) {
        double rps = Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)", "0"));
        long requests = Long.parseLong(find(out, "([0-9]+) requests in", "0"));
        long errors = Long.parseLong(find(out, "Non-2xx or 3xx responses:\\s+([0-9]+)", "0"))
                + sumSocketErrors(out);
        return new Result(rps, requests - errors, errors, micros(find(out, "\\n\\s+50%\\s+(\\S+)", "0us")),
                micros(find(out, "\\n\\s+99%\\s+(\\S+)", "0us")), out, 0);
    }

    private static long sumSocketErrors(String out) {
        Matcher m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        // read errors at the end of a run are connections wrk closes itself; connect, write and timeouts are not
        return m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(3)) + Long.parseLong(m.group(4)) : 0;
    }

    private static String find(String text, String regex, String otherwise) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : otherwise;
    }

    static double micros(String value) {
        Matcher m = Pattern.compile("([0-9.]+)(us|ms|s)").matcher(value);
        if (!m.matches()) {
            return 0;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v;
            case "ms" -> v * 1000;
            default -> v * 1_000_000;
        };
    }
}
