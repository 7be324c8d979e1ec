package dev.wgmesh.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The benchmark's result: the machine it ran on, then one row per figure; as plain text and as markdown. */
public final class BenchTable {

    /**
     * @param floor the same work in one process without Kafka, or empty
     * @param ratio the pipeline's time over the floor's, or empty
     * @param busy  the processes that used the most CPU during the figure, with their CPU seconds
     */
    public record Row(String figure, String value, String floor, String ratio, String busy) {
    }

    static final List<String> HEADER = List.of("figure", "wgmesh", "floor", "pipeline / floor", "CPU s during it");

    private final List<String> machine = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();

    void machine(String line) {
        machine.add(line);
    }

    void add(Row row) {
        rows.add(row);
        System.out.println("[bench] " + row.figure() + ": " + row.value()
                + (row.floor().isEmpty() ? "" : " (floor " + row.floor() + ", " + row.ratio() + ")")
                + (row.busy().isEmpty() ? "" : "; CPU s: " + row.busy()));
    }

    public List<String> machine() {
        return List.copyOf(machine);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public String text() {
        int[] widths = HEADER.stream().mapToInt(String::length).toArray();
        for (Row row : rows) {
            List<String> cells = cells(row);
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], cells.get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        machine.forEach(line -> text.append(line).append('\n'));
        text.append('\n').append(line(HEADER, widths)).append('\n');
        text.append(line(Arrays.stream(widths).mapToObj("-"::repeat).toList(), widths)).append('\n');
        rows.forEach(row -> text.append(line(cells(row), widths)).append('\n'));
        return text.toString();
    }

    public String markdown() {
        StringBuilder text = new StringBuilder("# wgmesh end-to-end benchmark\n\n");
        machine.forEach(line -> text.append("- ").append(line).append('\n'));
        text.append("\n| ").append(String.join(" | ", HEADER)).append(" |\n|");
        HEADER.forEach(h -> text.append("---|"));
        text.append('\n');
        rows.forEach(row -> text.append("| ").append(String.join(" | ", cells(row))).append(" |\n"));
        return text.toString();
    }

    private static List<String> cells(Row row) {
        return List.of(row.figure(), row.value(), row.floor(), row.ratio(), row.busy());
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(i == 0 ? "" : "  ").append(String.format(Locale.ROOT, "%-" + widths[i] + "s", cells.get(i)));
        }
        return line.toString().stripTrailing();
    }
}
