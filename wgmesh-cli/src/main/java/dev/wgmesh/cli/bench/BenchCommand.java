package dev.wgmesh.cli.bench;

import dev.wgmesh.cli.Checkout;
import dev.wgmesh.cli.Log;
import dev.wgmesh.cli.process.Processes;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
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
        subcommands = BenchCommand.Micro.class,
        description = {"Measures wgmesh on this machine.", "",
                "Starts a broker and the services as separate processes (JVM options as for up; free ports, a "
                + "temporary folder it deletes, so it can run beside up) and prints a table: PUT to converged for the "
                + "hoster group and meshes of 10, 100 and 1,000 hosts, one host's key rotation in the largest with "
                + "what it put on each topic, a change of every host's file and another rotation there once warm, peak "
                + "memory of every process, changes per second of 100 groups of 10 hosts changed at once, and rollout "
                + "time with 1, 2 and 4 deployers at 50 ms a host; beside each, the floor (the same work in one process "
                + "without Kafka) and the CPU time of the busiest processes. About ten minutes on two cores, after a "
                + "warm-up of 200 changes; the table also goes to wgmesh-data/bench/<time>.md, the processes' logs "
                + "beside it. \"bench micro\" runs the JMH micro-benchmarks instead (see BENCHMARKS.md)."})
public final class BenchCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "e2e", description = "the end-to-end table (the default)")
    String mode;

    @Option(names = "--quick", description = "tiny sizes (a minute)")
    boolean quick;

    @Option(names = "--deployers", paramLabel = "N", defaultValue = "2",
            description = "file-target deployer replicas (default ${DEFAULT-VALUE})")
    int deployers;

    @Option(names = "--report", paramLabel = "DIR", description = "where the table and the logs go "
            + "(default wgmesh-data/bench)")
    Path report;

    private final Path home = Checkout.home();
    private final Path data = Checkout.dataDir();

    @Override
    public Integer call() throws Exception {
        if (mode != null && !mode.equals("e2e")) {
            Log.error("usage: wgmesh bench [e2e] [--quick] [--deployers N], or wgmesh bench micro [JMH options]; not '"
                    + mode + "'");
            return 2;
        }
        Path reportDir = (report == null ? data.resolve("bench") : report).toAbsolutePath();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path logDir = reportDir.resolve(stamp + "-logs");
        Log.info("running the end-to-end benchmark (the table also goes to " + reportDir + "/)");
        BenchTable table = new PipelineBench(home, quick ? PipelineBench.Sizes.QUICK : PipelineBench.Sizes.FULL,
                deployers, Processes.jvmOptions("WGMESH_JAVA_OPTS", Processes.SERVICE_JAVA_OPTS),
                Processes.jvmOptions("WGMESH_KAFKA_JAVA_OPTS", Processes.BROKER_JAVA_OPTS), logDir).run();
        Path written = reportDir.resolve(stamp + ".md");
        Files.writeString(written, table.markdown());
        System.out.println();
        System.out.print(table.text());
        System.out.println("\nwritten to " + written + "; the processes' logs are in " + logDir);
        return 0;
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
