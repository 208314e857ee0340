package org.nlbridge.cli;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns separated by two spaces, like {@code docker ps}; no trailing blanks. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = cells[i] == null ? "-" : cells[i].toString();
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    String render() {
        int columns = rows.getFirst().length;
        int[] width = new int[columns];
        for (String[] r : rows) for (int i = 0; i < columns; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r[i]);
                if (i < columns - 1) line.append(" ".repeat(width[i] - r[i].length() + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
