package dev.wgmesh.cli.bench;

import dev.wgmesh.cli.Checkout;
import dev.wgmesh.cli.Log;
import dev.wgmesh.cli.process.BrokerProcess;
import dev.wgmesh.cli.process.Processes;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code wgmesh bench [e2e]}: the end-to-end table ({@link PipelineBench}); {@code wgmesh bench micro}: the JMH
 * micro-benchmarks of wgmesh-benchmarks.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        subcommands = {BenchCommand.Micro.class, BenchCommand.Observe.class},
        description = {"Measures wgmesh on this machine.", "",
                "Starts a broker and the services as separate processes (JVM options as for up; free ports, a "
                + "temporary folder it deletes, so it can run beside up) and prints a table: PUT to converged for the "
                + "hoster group and meshes of 10, 100 and 1,000 hosts, one host's key rotation in the largest with "
                + "what it put on each topic, a change of every host's file and another rotation there once warm, peak "
                + "memory of every process, changes per second of 100 groups of 10 hosts changed at once, and rollout "
                + "time with 1, 2 and 4 deployers at 50 ms a host; beside each, the floor (the same work in one process "
                + "without Kafka) and the CPU time of the busiest processes. About ten minutes on two cores, after a "
                + "warm-up of 200 changes; the table also goes to wgmesh-data/bench/<time>.md, the processes' logs "
                + "beside it. \"bench micro\" runs the JMH micro-benchmarks instead, \"bench observe\" what watching a "
                + "stable 1,000-host mesh costs (see BENCHMARKS.md)."})
public final class BenchCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "e2e", description = "the end-to-end table (the default)")
    String mode;

    @Option(names = "--quick", description = "tiny sizes (a minute)")
    boolean quick;

    @Option(names = "--deployers", paramLabel = "N", defaultValue = "2",
            description = "file-target deployer replicas (default ${DEFAULT-VALUE})")
    int deployers;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "1",
            description = "KRaft brokers, as `wgmesh up --brokers N` starts them (1 to " + BrokerProcess.Node.MOST
                    + ", default ${DEFAULT-VALUE})")
    int brokers;

    @Option(names = "--report", paramLabel = "DIR", description = "where the table and the logs go "
            + "(default wgmesh-data/bench)")
    Path report;

    private final Path home = Checkout.home();
    private final Path data = Checkout.dataDir();

    @Override
    public Integer call() throws Exception {
        if (mode != null && !mode.equals("e2e")) {
            Log.error("usage: wgmesh bench [e2e] [--quick] [--deployers N] [--brokers N], wgmesh bench observe [--quick], or wgmesh "
                    + "bench micro [JMH options]; not '"
                    + mode + "'");
            return 2;
        }
        Optional<String> refused = BrokerProcess.Node.refusedCount(brokers);
        if (refused.isPresent()) {
            Log.error(refused.get());
            return 2;
        }
        return report("the end-to-end benchmark", report, logDir -> new PipelineBench(home,
                quick ? PipelineBench.Sizes.QUICK : PipelineBench.Sizes.FULL, deployers, brokers, serviceJvmOptions(),
                brokerJvmOptions(), logDir).run());
    }

    /** A benchmark that starts processes, writing their logs to the folder it is given. */
    private interface Run {
        BenchTable run(Path logDir) throws Exception;
    }

    /** Runs the benchmark, prints its table and writes it to {@code reportDir/<time>.md}, the logs beside it. */
    private int report(String what, Path reportDir, Run bench) throws Exception {
        Path dir = (reportDir == null ? data.resolve("bench") : reportDir).toAbsolutePath();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path logDir = dir.resolve(stamp + "-logs");
        Log.info("running " + what + " (the table also goes to " + dir + "/)");
        BenchTable table = bench.run(logDir);
        Path written = dir.resolve(stamp + ".md");
        Files.writeString(written, table.markdown());
        System.out.println();
        System.out.print(table.text());
        System.out.println("\nwritten to " + written + "; the processes' logs are in " + logDir);
        return 0;
    }

    private static List<String> serviceJvmOptions() {
        return Processes.jvmOptions("WGMESH_JAVA_OPTS", Processes.SERVICE_JAVA_OPTS);
    }

    private static List<String> brokerJvmOptions() {
        return Processes.jvmOptions("WGMESH_KAFKA_JAVA_OPTS", Processes.BROKER_JAVA_OPTS);
    }

    /** What watching a stable mesh costs: {@link ObservationBench}. */
    @Command(name = "observe", mixinStandardHelpOptions = true, description = "Measures what watching a stable "
            + "mesh of 1,000 hosts costs one deployer replica at the default observe interval (30 s), with the file "
            + "target and with the command target and a stand-in host: CPU, records and bytes a minute on the health "
            + "and deployment topics, memory. About 15 minutes; the table also goes to wgmesh-data/bench/<time>.md.")
    static final class Observe implements Callable<Integer> {

        @Option(names = "--quick", description = "20 hosts looked at every 2 s for 20 s (a minute)")
        boolean quick;

        @Option(names = "--report", paramLabel = "DIR", description = "where the table and the logs go "
                + "(default wgmesh-data/bench)")
        Path report;

        @Override
        public Integer call() throws Exception {
            BenchCommand bench = new BenchCommand();
            return bench.report("the observation benchmark", report, logDir -> new ObservationBench(bench.home,
                    quick ? ObservationBench.Sizes.QUICK : ObservationBench.Sizes.FULL, serviceJvmOptions(),
                    brokerJvmOptions(), logDir).run());
        }
    }

    /** JMH in a JVM of its own, with wgmesh-benchmarks' classpath as Maven resolves it (common's test-jar in it). */
    @Command(name = "micro", description = "Runs the JMH micro-benchmarks of wgmesh-benchmarks (key pairs, sealing, "
            + "rendering, validation), each beside its baseline, on one thread; JMH options replace the defaults "
            + "(-f 1 -t 1 -wi 2 -i 3 -w 2s -r 2s).")
    static final class Micro implements Callable<Integer> {

        @Unmatched
        List<String> jmhOptions = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            BenchCommand bench = new BenchCommand();
            Path classpath = bench.data.resolve("run").resolve("benchmarks.classpath");
            Path buildLog = bench.data.resolve("logs").resolve("bench-build.log");
            Files.createDirectories(classpath.getParent());
            Files.createDirectories(buildLog.getParent());
            Log.info("building wgmesh-benchmarks (log " + buildLog + ")");
            // one reactor run, so the benchmarks see wgmesh-common's test-jar without installing it
            List<String> build = new ArrayList<>(List.of(bench.home.resolve("mvnw").toString(), "-q"));
            build.addAll(Processes.jvmOptions("MAVEN_ARGS", ""));
            build.addAll(List.of("-DskipTests", "-pl", "wgmesh-benchmarks", "-am", "package",
                    "dependency:build-classpath", "-Dmdep.outputFile=" + classpath));
            if (new ProcessBuilder(build).directory(bench.home.toFile()).redirectErrorStream(true)
                    .redirectOutput(buildLog.toFile()).start().waitFor() != 0) {
                Log.error("the build failed; see " + buildLog);
                return 1;
            }
            List<String> options = jmhOptions.isEmpty() ? List.of("-f", "1", "-t", "1", "-wi", "2", "-i", "3", "-w", "2s",
                    "-r", "2s") : jmhOptions;
            Log.info("running JMH " + String.join(" ", options));
            List<String> jmh = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", bench.home.resolve("wgmesh-benchmarks/target/classes") + File.pathSeparator
                            + Files.readString(classpath).trim(), "org.openjdk.jmh.Main"));
            jmh.addAll(options);
            return new ProcessBuilder(jmh).inheritIO().start().waitFor();
        }
    }
}
