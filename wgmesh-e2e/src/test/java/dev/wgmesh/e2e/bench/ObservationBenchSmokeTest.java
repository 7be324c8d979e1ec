package dev.wgmesh.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.bench.BenchTable;
import dev.wgmesh.cli.bench.BenchTable.Row;
import dev.wgmesh.cli.bench.ObservationBench;
import dev.wgmesh.cli.process.Processes;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * wgmesh bench observe at tiny sizes: every row has its figures, and a stable mesh is applied again by neither
 * target (a stand-in host whose status differed from its files would be repaired). Costs are printed,
 * never asserted.
 */
class ObservationBenchSmokeTest {

    @Test
    void theQuickBenchmarkFillsEveryRowAndNothingIsAppliedAgain() throws Exception {
        Path logDir = Path.of("target", "process-logs", "ObservationBenchSmokeTest-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath();
        BenchTable table = new ObservationBench(Path.of(System.getProperty("user.dir")).getParent(),
                ObservationBench.Sizes.QUICK, Processes.jvmOptions(), Processes.jvmOptions(), logDir).run();
        System.out.print(table.text());

        List<String> figures = table.rows().stream().map(Row::figure).toList();
        for (String target : List.of("file target", "command target, window 1", "command target, window 2")) {
            String prefix = "watching 20 hosts, " + target + ": ";
            assertThat(figures).contains(prefix + "the deployer's CPU", prefix + "on wgmesh.host-health-reported",
                    prefix + "on wgmesh.deployment-reported", prefix + "the deployer's peak RSS");
            assertThat(table.rows()).filteredOn(row -> row.figure().equals(prefix + "on wgmesh.deployment-reported"))
                    .singleElement().satisfies(row -> assertThat(row.value()).startsWith("0 records"));
        }
        assertThat(figures).contains("watching 20 hosts, command target, window 1: the processes it ran");
        // settled hosts are asked briefly, in a status session kept open for each; a full look only when a report
        // is due (every 5 minutes)
        List<Row> looks = table.rows().stream().filter(row -> row.figure().startsWith(
                "watching 20 hosts, command target, window") && row.figure().endsWith("looks the stand-in answered")).toList();
        assertThat(looks).hasSize(2);
        int sessions = 0;
        for (Row row : looks) {
            Matcher counts = Pattern.compile("(\\d+) full, (\\d+) brief; (\\d+) status sessions started").matcher(row.value());
            assertThat(counts.matches()).as(row.value()).isTrue();
            assertThat(Integer.parseInt(counts.group(2))).isGreaterThan(10 * Integer.parseInt(counts.group(1)));
            sessions += Integer.parseInt(counts.group(3));
        }
        assertThat(sessions).as("at most one a host, kept open").isLessThanOrEqualTo(20);
        assertThat(table.rows()).allSatisfy(row -> assertThat(row.value()).as(row.figure()).matches(".*[0-9].*"));
    }
}
