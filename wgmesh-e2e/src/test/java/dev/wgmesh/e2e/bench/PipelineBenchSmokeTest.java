package dev.wgmesh.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.bench.BenchTable;
import dev.wgmesh.cli.bench.BenchTable.Row;
import dev.wgmesh.cli.bench.PipelineBench;
import dev.wgmesh.cli.process.Processes;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** wgmesh bench at tiny sizes: every row is there and has its figures. Timings are printed, never asserted. */
class PipelineBenchSmokeTest {

    @Test
    void theQuickBenchmarkFillsEveryRow() throws Exception {
        Path logDir = Path.of("target", "process-logs", "PipelineBenchSmokeTest-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath();
        BenchTable table = new PipelineBench(Path.of(System.getProperty("user.dir")).getParent(),
                PipelineBench.Sizes.QUICK, 1, 1, Processes.jvmOptions(), Processes.jvmOptions(), logDir).run();
        System.out.print(table.text());

        List<String> figures = table.rows().stream().map(Row::figure).toList();
        assertThat(figures).contains("cold: PUT to converged, hoster 6 hosts (the seed), the first change after start",
                "cold: PUT to converged, mesh 10 hosts, the first large change after start", "warm-up: 2 changes of mesh 10 (MTU, rotation in turn), median of the first 1 / "
                + "the last 1", "PUT to converged, hoster 6 hosts (seed)",
                "  Kafka alone: a record through the hops of a change (a send, 3 transactions that consume and produce, "
                        + "a consume and send, a read), nothing done in them, median of 20", "PUT to converged, mesh 10 hosts",
                "rotate one host's keys in mesh 10, to converged", "  that rotation on wgmesh.host-config-rendered",
                "PUT changing every host's file (MTU) in mesh 10, warm", "rotate another host's keys in mesh 10, warm",
                "peak RSS config-service (after mesh 10)", "peak RSS keygen-service (after mesh 10)",
                "peak RSS renderer-service (after mesh 10)", "peak RSS deployer-1 (after mesh 10)",
                "peak RSS kafka (after mesh 10)",
                "changes per second, 2 groups of 3 hosts changed at once, 1 round(s)",
                "  Kafka alone: 2 records at once through the same hops, a transaction per record, 1 round(s)",
                "  Kafka alone: 2 records at once through the same hops, one transaction per poll (as the services do), "
                        + "1 round(s)",
                "rollout of 4 hosts at 50 ms a host (command target), 1 deployer(s), 1 host(s) at a time each");
        assertThat(table.rows()).allSatisfy(row -> assertThat(row.value()).as(row.figure()).matches(".*[0-9].*"));
        assertThat(table.rows()).filteredOn(row -> row.figure().startsWith("PUT") || row.figure().startsWith("cold") || row.figure().startsWith("rotate")
                        || row.figure().startsWith("changes"))
                .allSatisfy(row -> {
                    assertThat(row.floor()).as("floor of %s", row.figure()).matches(".*[0-9].*");
                    assertThat(row.ratio()).as("ratio of %s", row.figure()).endsWith("x");
                    assertThat(row.busy()).as("CPU of %s", row.figure()).matches(".*[0-9].*");
                });
        assertThat(table.markdown()).contains("| PUT to converged, mesh 10 hosts |");
        assertThat(table.machine()).anyMatch(line -> line.startsWith("machine: "));
    }
}
