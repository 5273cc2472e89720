package dev.svd.cli.render;

import java.util.ArrayList;
import java.util.List;

/** A plain text table: left-aligned columns separated by two spaces. Single-threaded. */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    public Table(String... header) {
        columns = header.length;
        rows.add(header);
    }

    public void row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        rows.add(cells);
    }

    public String render() {
        int[] widths = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], Style.width(r[c]));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                sb.append(r[c]);
                if (c < columns - 1) {
                    for (int p = Style.width(r[c]); p < widths[c] + 2; p++) {
                        sb.append(' ');
                    }
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
