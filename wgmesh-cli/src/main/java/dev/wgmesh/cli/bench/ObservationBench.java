package dev.wgmesh.cli.bench;

import dev.wgmesh.cli.bench.BenchTable.Row;
import dev.wgmesh.cli.process.LocalApi;
import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.cli.process.ServiceProcess;
import dev.wgmesh.cli.process.WgmeshProcesses;
import dev.wgmesh.common.events.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code wgmesh bench observe}: what watching a stable mesh costs. One mesh is deployed, then one deployer
 * replica watches all of it at the observe interval while nothing changes, and the row shows its CPU, what it
 * put on the health and deployment topics (a repair loop would show on the latter) and its memory. Twice: with
 * the {@code file} target, which reads the files back, and with the {@code command} target and a
 * {@link StandInHost}, whose status a real host's {@code wgmesh-apply status} would print.
 */
public final class ObservationBench {

    /** How big the mesh is, how often each host is looked at, and for how long the cost is measured. */
    public record Sizes(int hosts, Duration interval, Duration window) {
        public static final Sizes FULL = new Sizes(1000, Duration.ofSeconds(30), Duration.ofMinutes(5));
        public static final Sizes QUICK = new Sizes(20, Duration.ofSeconds(2), Duration.ofSeconds(20));
    }

    private static final String GROUP = "observed";
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(10);
    private static final int MTU = 1420;

    private final Path home;
    private final Sizes sizes;
    private final List<String> serviceJvmOptions;
    private final List<String> brokerJvmOptions;
    private final Path logDir;
    private final BenchTable table = new BenchTable();

    public ObservationBench(Path home, Sizes sizes, List<String> serviceJvmOptions, List<String> brokerJvmOptions, Path logDir) {
        this.home = home;
        this.sizes = sizes;
        this.serviceJvmOptions = Stream.concat(serviceJvmOptions.stream(), Stream.of("-XX:+ExitOnOutOfMemoryError"))
                .toList();
        this.brokerJvmOptions = brokerJvmOptions;
        this.logDir = logDir;
    }

    public BenchTable run() throws Exception {
        Path workDir = Files.createTempDirectory("wgmesh-bench-observe-");
        Processes.deleteAtExit(workDir);
        table.machine("load average at the start: " + PipelineBench.loadAverage());
        table.machine(String.format(Locale.ROOT, "a mesh of %,d hosts deployed once, then one deployer replica (%s) "
                        + "watching it for %d s at wgmesh.observe-interval %d s while nothing changes; with the command "
                        + "target for two such windows in a row, as its settled hosts get a full look when their report "
                        + "is due (every 5 minutes) and a brief one otherwise", sizes.hosts(),
                String.join(" ", serviceJvmOptions), sizes.window().toSeconds(), sizes.interval().toSeconds()));
        table.machine("command target: a stand-in host whose status is a file the size of a real host's, printed "
                + "by sed with this second as every handshake and byte count; a settled host's looks go to a status "
                + "session the deployer keeps open for it (a date and a sed a full look, a cat a brief one), other "
                + "looks start the stand-in (an sh, a date and a sed)");
        try (WgmeshProcesses wgmesh = new WgmeshProcesses(home, workDir, logDir, serviceJvmOptions, brokerJvmOptions, 1)) {
            wgmesh.startPipeline();
            LocalApi api = new LocalApi(wgmesh.apiBase(), wgmesh.apiToken());
            long revision = PipelineBench.accepted(api.put("/api/v1/groups/" + GROUP,
                    PipelineBench.mesh(sizes.hosts(), MTU).toString()));
            Map<String, String> interval = Map.of("wgmesh.observe-interval", sizes.interval().toSeconds() + "s");

            ServiceProcess files = wgmesh.startDeployer("file-observer", workDir.resolve("out"), interval);
            wgmesh.awaitDeployerGroup(1, WgmeshProcesses.START_TIMEOUT);
            PipelineBench.awaitConverged(wgmesh, api, GROUP, revision);
            measure(wgmesh, files, "file target", null, 1);
            wgmesh.stopDeployers();

            // a new replica with an empty state restores every host onto the stand-in, then looks at them
            Path store = Files.createDirectories(workDir.resolve("stand-in"));
            Path script = workDir.resolve("stand-in-host.sh");
            Files.writeString(script, StandInHost.script());
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            ServiceProcess command = wgmesh.startCommandDeployer("command-observer", script + " " + store, interval);
            wgmesh.awaitDeployerGroup(1, WgmeshProcesses.START_TIMEOUT);
            awaitRestored(wgmesh, store.resolve(GROUP));
            measure(wgmesh, command, "command target", store, 2);
        } finally {
            Processes.deleteTree(workDir);
        }
        table.machine("load average at the end: " + PipelineBench.loadAverage());
        return table;
    }

    /** Until the stand-in holds every host's files; then writes each host's status. */
    private void awaitRestored(WgmeshProcesses wgmesh, Path groupDir) throws IOException {
        Instant deadline = Instant.now().plus(RESTORE_TIMEOUT);
        while (hostsWithFiles(groupDir).size() < sizes.hosts()) {
            wgmesh.checkAlive();
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the command deployer restored " + hostsWithFiles(groupDir).size()
                        + " of " + sizes.hosts() + " hosts within " + RESTORE_TIMEOUT);
            }
            ServiceProcess.sleep(500);
        }
        for (Path host : hostsWithFiles(groupDir)) {
            StandInHost.writeStatus(host);
        }
    }

    private static List<Path> hostsWithFiles(Path groupDir) throws IOException {
        if (!Files.isDirectory(groupDir)) {
            return List.of();
        }
        try (Stream<Path> hosts = Files.list(groupDir)) {
            return hosts.filter(host -> Files.exists(host.resolve("wg0.conf"))).toList();
        }
    }

    /**
     * Waits until every host was looked at since it got its files (looks come every 0.8 to 1.2 intervals),
     * and with the stand-in once more (its counters grew since: the host is settled), then measures
     * {@code windows} windows in a row, counting the stand-in's looks when there is one ({@code standIn},
     * else null).
     */
    private void measure(WgmeshProcesses wgmesh, ServiceProcess deployer, String target, Path standIn, int windows)
            throws Exception {
        ServiceProcess.sleep(sizes.interval().multipliedBy(standIn == null ? 3 : 6).dividedBy(2).toMillis());
        for (int window = 1; window <= windows; window++) {
            measureWindow(wgmesh, deployer, windows == 1 ? target : target + ", window " + window, standIn);
        }
    }

    private void measureWindow(WgmeshProcesses wgmesh, ServiceProcess deployer, String target, Path standIn)
            throws Exception {
        wgmesh.checkAlive();
        StandInHost.Looks looksBefore = standIn == null ? null : StandInHost.Looks.in(standIn);
        TopicTraffic traffic = new TopicTraffic(wgmesh.broker().bootstrapServers(), wgmesh.topicNames());
        TopicTraffic.Snapshot before = traffic.snapshot();
        double cpu = deployer.cpuSeconds();
        double children = deployer.childrenCpuSeconds();
        long start = System.nanoTime();
        ServiceProcess.sleep(sizes.window().toMillis());
        wgmesh.checkAlive();
        double seconds = (System.nanoTime() - start) / 1e9;
        cpu = deployer.cpuSeconds() - cpu;
        children = deployer.childrenCpuSeconds() - children;
        List<TopicTraffic.Traffic> topics = traffic.between(before, traffic.snapshot());
        double looks = sizes.hosts() * seconds / sizes.interval().toSeconds();
        String figure = String.format(Locale.ROOT, "watching %,d hosts, %s: ", sizes.hosts(), target);
        table.add(new Row(figure + "the deployer's CPU", String.format(Locale.ROOT,
                "%.1f%% of one core (%.1f CPU s in %.0f s), %.2f ms a look (about %,.0f looks)",
                100 * cpu / seconds, cpu, seconds, 1000 * cpu / looks, looks), "", "", ""));
        if (standIn != null) {
            StandInHost.Looks after = StandInHost.Looks.in(standIn);
            table.add(new Row(figure + "looks the stand-in answered", String.format(Locale.ROOT,
                    "%,d full, %,d brief; %,d status sessions started", after.full() - looksBefore.full(),
                    after.brief() - looksBefore.brief(), after.sessions() - looksBefore.sessions()),
                    "", "", ""));
        }
        if (children > 0) {
            table.add(new Row(figure + "the processes it ran", String.format(Locale.ROOT,
                    "%.1f%% of one core (%.1f CPU s), %.2f ms a look", 100 * children / seconds, children,
                    1000 * children / looks), "", "", ""));
        }
        for (String topic : List.of(Topics.HOST_HEALTH_REPORTED, Topics.DEPLOYMENT_REPORTED)) {
            TopicTraffic.Traffic on = topics.stream().filter(t -> t.topic().equals(topic)).findFirst()
                    .orElse(new TopicTraffic.Traffic(topic, 0, 0, 0));
            table.add(new Row(figure + "on " + topic, String.format(Locale.ROOT,
                    "%,d records, %s a minute (broker's log +%s a minute)", on.records(),
                    PipelineBench.bytes((long) (on.bytes() * 60 / seconds)),
                    PipelineBench.bytes((long) (on.stored() * 60 / seconds))), "", "", ""));
        }
        table.add(new Row(figure + "the deployer's peak RSS", PipelineBench.bytes(deployer.peakRss()), "", "", ""));
    }
}
