package io.provisioning.orchestrator.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with right-aligned columns (Markdown-compatible, so it pastes into docs). */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        rows.add(headers);
    }

    Table row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = String.valueOf(cells[i]);
        }
        rows.add(text);
        return this;
    }

    void print(PrintStream out) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns && i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < columns; i++) {
                String cell = i < rows.get(r).length ? rows.get(r)[i] : "";
                line.append(' ').append(i == 0 ? pad(cell, width[i], false) : pad(cell, width[i], true)).append(" |");
            }
            out.println(line);
            if (r == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int i = 0; i < columns; i++) {
                    rule.append(i == 0 ? ":" : "-").append("-".repeat(width[i])).append(i == 0 ? "-|" : ":|");
                }
                out.println(rule);
            }
        }
        out.flush();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    static String f0(double v) {
        return String.format("%,.0f", v);
    }

    static String f2(double v) {
        return String.format("%.2f", v);
    }

    static String ms(long micros) {
        return String.format("%.1f", micros / 1000.0);
    }
}
