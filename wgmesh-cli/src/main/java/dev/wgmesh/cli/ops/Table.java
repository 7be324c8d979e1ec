package dev.wgmesh.cli.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** Columns aligned with two spaces between them, as kubectl prints them; an empty cell shows as "-". */
final class Table {

    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        rows.add(headers);
    }

    Table row(Object... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException(cells.length + " cells for " + rows.get(0).length + " columns");
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] == null || cells[i].toString().isEmpty() ? "-" : cells[i].toString();
        }
        rows.add(row);
        return this;
    }

    @Override
    public String toString() {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringJoiner lines = new StringJoiner(System.lineSeparator());
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines.toString();
    }
}
