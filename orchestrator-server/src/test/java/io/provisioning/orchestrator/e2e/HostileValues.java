package io.provisioning.orchestrator.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Strings that must never reach a script or the disk unchecked: path traversal, shell syntax,
 * control characters, odd Unicode, wrong sizes. Those that name a path carry {@code marker}, so a
 * file made from one can be found afterwards.
 */
final class HostileValues {
    private final List<String> values = new ArrayList<>();
    private final String marker;

    HostileValues(String marker) {
        this.marker = marker;
        String m = marker;
        // path traversal and absolute paths, in every spelling
        values.addAll(List.of("..", ".", "/", "//", "../" + m, "../../../../../../tmp/" + m, "/tmp/" + m, "/etc/passwd",
                "./../" + m, "sub/../../" + m + ".yaml", "settings.yaml/../../" + m, "....//....//" + m, "..\\..\\" + m,
                "%2e%2e%2f" + m, "..%2f..%2f" + m, "%252e%252e%252f" + m, "~/" + m, "file:///tmp/" + m, "\\\\host\\share\\" + m,
                "/proc/self/environ", "/dev/zero", "..;/" + m, m + "/../../..", "./" + m + "\u0000.yaml", "nul:"));
        // shell metacharacters and flag injection
        values.addAll(List.of("; touch /tmp/" + m, "$(touch /tmp/" + m + ")", "`touch /tmp/" + m + "`", "| tee /tmp/" + m,
                "&& id", "a;b", "a|b", "a&b", "a>" + m, "a<b", "$HOME", "${IFS}x", "'", "\"", "a b", "*", "?", "[a]", "{a,b}",
                "!", "#x", "~", "-rf", "--check", "--infra=evil", "-", "--", "--settings", "-x" + m, "^ls", "%(x)s", "{{7*7}}"));
        // control characters and line breaks
        values.addAll(List.of("a\nb", "web-01\n--check", "a\r\nb", "a\u0000b", "\t", "\u001b[31mred", "a\u007f",
                "line\u2028sep", "a\u0085b", "a\u000bb", "\r", "\n"));
        // odd Unicode
        values.addAll(List.of("wéb-01", "ｗｅｂ０１", "\uD83D\uDE00", "\u202Eexe.yaml", "\uFEFFweb", "a\u0301", "İstanbul",
                "straße", "a\u200Db", "\uD800", "\uDFFFx", "ᅟ", "\u2215etc\u2215passwd", "\uFF0E\uFF0E\u2215" + m));
        // sizes and blanks
        values.addAll(List.of("", " ", "  web  ", "a".repeat(64), "a".repeat(256), "a".repeat(5000), "-1", "+1", "1 "));
    }

    String any(Random random) {
        return values.get(random.nextInt(values.size()));
    }

    /** A value at least as hostile as {@link #any}, sometimes very long. */
    String anyOrHuge(Random random) {
        return random.nextInt(60) == 0 ? "x".repeat(20_000 + random.nextInt(200_000)) + marker : any(random);
    }

    String marker() {
        return marker;
    }

    /** Names a script may get: the valid side, to build bodies that pass. */
    static String validName(Random random) {
        String[] stems = {"web", "db", "app", "cache", "edge", "ok"};
        return stems[random.nextInt(stems.length)] + "-" + random.nextInt(100);
    }
}
