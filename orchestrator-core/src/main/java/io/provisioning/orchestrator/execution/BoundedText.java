package io.provisioning.orchestrator.execution;

import java.util.ArrayDeque;

/** Keeps the last {@code maxChars} characters of a stream of lines, whole lines where it can. */
final class BoundedText {
    private final int maxChars;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private int chars;
    private boolean truncated;

    BoundedText(int maxChars) {
        this.maxChars = maxChars;
    }

    synchronized void add(String line) {
        String kept = line.length() > maxChars ? line.substring(line.length() - maxChars) : line;
        lines.addLast(kept);
        chars += kept.length() + 1;
        while (chars > maxChars && lines.size() > 1) {
            chars -= lines.removeFirst().length() + 1;
            truncated = true;
        }
    }

    synchronized boolean isEmpty() {
        return lines.isEmpty();
    }

    @Override
    public synchronized String toString() {
        String body = String.join("\n", lines);
        return truncated ? "[... earlier output is in the task log ...]\n" + body : body;
    }
}
