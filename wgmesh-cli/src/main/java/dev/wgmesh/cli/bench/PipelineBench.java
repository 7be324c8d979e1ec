package dev.wgmesh.cli.bench;

import dev.wgmesh.cli.bench.BenchTable.Row;
import dev.wgmesh.cli.process.BrokerProcess;
import dev.wgmesh.cli.process.LocalApi;
import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.cli.process.ServiceProcess;
import dev.wgmesh.cli.process.WgmeshProcesses;
import dev.wgmesh.common.events.EventJson;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code wgmesh bench}: wgmesh's end-to-end figures on this machine. The broker and the services run
 * as separate JVMs (as ./wgmesh up runs them, file target), and each figure is taken from the outside:
 * from the API call to the group's status saying converged. Beside each, the floor: the same change done
 * in this JVM by the services' own code without Kafka ({@link Floor}). Prints a table and writes it as
 * markdown ({@link BenchCommand}).
 */
public final class PipelineBench {

    /** How big each part of the run is. */
    public record Sizes(int warmUpChanges, List<Integer> meshHosts, int changedGroups, int changedGroupHosts,
                 int changeRounds, int rolloutHosts, int rolloutWarmUps, List<Integer> scaledReplicas,
                 List<Rollout> parallelRollouts) {

        public static final Sizes FULL = new Sizes(200, List.of(10, 100, 1000), 100, 10, 3, 200, 30, List.of(4, 2, 1),
                List.of(new Rollout(1, 4), new Rollout(4, 4)));
        public static final Sizes QUICK = new Sizes(2, List.of(10), 2, 3, 1, 4, 1, List.of(1), List.of());

        int largestMesh() {
            return meshHosts.get(meshHosts.size() - 1);
        }
    }

    private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration GROUP_TIMEOUT = Duration.ofMinutes(3);
    private static final int MTU = 1420;
    /**
     * The rollouts' host: its apply takes 50 ms and no CPU of this machine, as a remote host's would. A
     * stand-in that copies the files itself forks four more processes per host, which on two cores shared
     * by every replica (5 ms of CPU per process on some machines of this kind) caps what replicas can add.
     */
    private static final String APPLY_50_MS = "sleep 0.05";
    private static final int SMALL_GROUP_RUNS = 5;
    private static final int ROLLOUT_RUNS = 5;
    private static final int KAFKA_HOP_RUNS = 20;

    private final Path home;
    private final Sizes sizes;
    private final int deployers;
    private final int brokers;
    private final List<String> serviceJvmOptions;
    private final List<String> brokerJvmOptions;
    private final Path logDir;
    private final BenchTable table = new BenchTable();
    private WgmeshProcesses wgmesh;
    private LocalApi api;
    private Floor floor;
    private int deployerNumber;
    private Path workDir;

    /** @param home the checkout whose services' exec jars run */
    public PipelineBench(Path home, Sizes sizes, int deployers, int brokers, List<String> serviceJvmOptions,
                         List<String> brokerJvmOptions, Path logDir) {
        this.home = home;
        this.sizes = sizes;
        this.deployers = deployers;
        this.brokers = brokers;
        // a service out of memory ends the run with its log instead of hanging half-alive
        this.serviceJvmOptions = Stream.concat(serviceJvmOptions.stream(), Stream.of("-XX:+ExitOnOutOfMemoryError")).toList();
        this.brokerJvmOptions = brokerJvmOptions;
        this.logDir = logDir;
    }

    public BenchTable run() throws Exception {
        workDir = Files.createTempDirectory("wgmesh-bench-");
        Processes.deleteAtExit(workDir);
        describeMachine();
        try (WgmeshProcesses processes = new WgmeshProcesses(home, workDir, logDir, serviceJvmOptions,
                brokerJvmOptions, brokers)) {
            wgmesh = processes;
            wgmesh.startPipeline();
            api = new LocalApi(wgmesh.apiBase(), wgmesh.apiToken());
            for (int i = 1; i <= deployers; i++) {
                wgmesh.startDeployer("deployer-" + ++deployerNumber, workDir.resolve("out"), Map.of());
            }
            wgmesh.awaitDeployerGroup(deployers, GROUP_TIMEOUT);
            floor = new Floor(workDir.resolve("floor"));
            coldRows();
            warmUp();
            putRows();
            rotationRows();
            warmRows();
            memoryRows();
            changeRows();
            rolloutRows();
        } finally {
            // the deployed files and the floor's hold private keys: nothing of them stays behind
            Processes.deleteTree(workDir);
        }
        table.machine("load average at the end: " + loadAverage());
        return table;
    }

    private void describeMachine() throws IOException {
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
        table.machine(String.format(Locale.ROOT, "machine: %d cores, %.1f GB RAM, %s %s, Java %s (%s)",
                Runtime.getRuntime().availableProcessors(), memKb / 1024.0 / 1024.0, System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name")));
        table.machine("load average at the start: " + loadAverage());
        table.machine("services: separate JVMs with " + String.join(" ", serviceJvmOptions) + " (config-, keygen- and "
                + "renderer-service after " + String.join(" ", Processes.serviceJvmOptions("config-service", List.of()))
                + "); " + (brokers == 1
                ? "broker (KRaft, one node): " : brokers + " KRaft brokers, each a voter, topics with 3 replicas and "
                + "min.insync.replicas 2: ") + String.join(" ", brokerJvmOptions) + "; " + deployers + " deployer replica(s), file target, for the "
                + "file rows");
        table.machine("wgmesh column: from the API call to GET /api/v1/groups/{g}/status saying converged at that "
                + "revision (asked every 5 ms for groups of up to 100 hosts; larger ones after 10 ms, then each wait half as long "
                + "again, up to 100 ms)");
        table.machine("floor column: the same change by the services' own code in one thread of the benchmark's JVM ("
                + jvmArguments() + "), no Kafka: parse and validate, key and seal, render, open the secrets, write each file atomically, "
                + "0600, fsynced");
        table.machine("CPU column: CPU seconds (user + system) each process used during the figure, the top three");
    }

    /**
     * What a user meets first: the seed group, then a mesh of the largest size, as the first changes after the
     * services started, against a floor as cold (its first changes in this JVM). The large group is deleted
     * again, so that watching its hosts costs the later rows nothing.
     */
    private void coldRows() throws Exception {
        table.machine("cold rows: the first changes after the services started, one run each, before the warm-up; "
                + "the floor's are its first changes too");
        putRow("cold: PUT to converged, hoster 6 hosts (the seed), the first change after start", "cold-hoster-6",
                seed(), 1);
        int hosts = sizes.largestMesh();
        String group = "cold-mesh-" + hosts;
        putRow("cold: PUT to converged, mesh " + hosts + " hosts, the first large change after start", group,
                mesh(hosts, MTU), 1);
        LocalApi.Answer deleted = api.delete("/api/v1/groups/" + group);
        if (deleted.status() != 204) {
            throw new IllegalStateException("DELETE " + group + " answered " + deleted.status() + ": " + deleted.body());
        }
        awaitRemoved(workDir.resolve("out").resolve(group));
    }

    /** Until the deployers removed every host's folder of a deleted group. */
    private static void awaitRemoved(Path groupDir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
        while (hostFolders(groupDir) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(groupDir + " still holds hosts after " + CONVERGE_TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    private static long hostFolders(Path groupDir) throws IOException {
        try (Stream<Path> hosts = Files.list(groupDir)) {
            return hosts.count();
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * Services run for long, so the rows are timed after changes of a 100-host group, new MTUs and rotations
     * in turn, in both pipeline and floor. Five JVMs on two cores keep their C2 compilers busy for many
     * changes: a 100-host change took a median of 0.9 to 1.0 s over its first 30, 0.4 s over changes 61 to
     * 150 and 0.26 to 0.39 s after them. The first row shows that curve; the first rows at 1,000 hosts still
     * pay for what only gets hot at that size.
     */
    private void warmUp() throws Exception {
        int hosts = Math.min(100, sizes.largestMesh());
        List<Double> pipeline = new ArrayList<>();
        List<Double> inProcess = new ArrayList<>();
        for (int change = 0; change < sizes.warmUpChanges(); change++) {
            long start = System.nanoTime();
            if (change % 2 == 1) {
                String host = hostName(1 + change % hosts);
                awaitConverged("warm-up", rotate("warm-up", host));
                pipeline.add(seconds(start));
                inProcess.add(floor.rotate("warm-up", host));
            } else {
                ObjectNode body = mesh(hosts, MTU - change / 2);
                awaitConverged("warm-up", accepted(put("warm-up", body.toString())));
                pipeline.add(seconds(start));
                inProcess.add(floor.put("warm-up", body));
            }
        }
        int n = Math.max(1, sizes.warmUpChanges() / 10);
        double first = median(pipeline.subList(0, n));
        double firstFloor = median(inProcess.subList(0, n));
        double last = median(pipeline.subList(pipeline.size() - n, pipeline.size()));
        double lastFloor = median(inProcess.subList(inProcess.size() - n, inProcess.size()));
        table.add(new Row(String.format(Locale.ROOT, "warm-up: %d changes of mesh %d (MTU, rotation in turn), median of "
                        + "the first %d / the last %d", sizes.warmUpChanges(), hosts, n, n),
                secs(first) + " / " + secs(last), secs(firstFloor) + " / " + secs(lastFloor),
                ratio(first, firstFloor) + " / " + ratio(last, lastFloor), ""));
        table.machine("warm-up: the first row's " + sizes.warmUpChanges() + " changes, in both pipeline and floor, "
                + "before the others");
    }

    private void putRows() throws Exception {
        table.machine("PUT rows of up to 100 hosts: the median of " + SMALL_GROUP_RUNS + " new groups of the same "
                + "hosts (g, g-2, ...) in both pipeline and floor, with the CPU of that run");
        double seedFloor = putRow("PUT to converged, hoster 6 hosts (seed)", "hoster-6", seed());
        // against the seed's floor: what the seed's figure cannot go below however little the services do
        double hops = KafkaHops.medianSeconds(wgmesh.bootstrapServers(), BrokerProcess.replicationFactor(brokers),
                KAFKA_HOP_RUNS);
        table.add(new Row("  Kafka alone: a record through the hops of a change (a send, 3 transactions that consume "
                + "and produce, a consume and send, a read), nothing done in them, median of " + KAFKA_HOP_RUNS, secs(hops),
                secs(seedFloor), ratio(hops, seedFloor), ""));
        for (int hosts : sizes.meshHosts()) {
            putRow("PUT to converged, mesh " + hosts + " hosts", "mesh-" + hosts, mesh(hosts, MTU));
        }
    }

    private JsonNode seed() throws IOException {
        return EventJson.tree(Files.readAllBytes(home.resolve("examples").resolve("hoster-6-hosts.json")));
    }

    /**
     * A group of up to 100 hosts takes a second or less, so one run is mostly noise: it is created
     * {@value #SMALL_GROUP_RUNS} times (as group, group-2, ...) and the row shows the median run.
     *
     * @return the floor's seconds
     */
    private double putRow(String figure, String group, JsonNode body) throws Exception {
        return putRow(figure, group, body, body.path("hosts").size() <= 100 ? SMALL_GROUP_RUNS : 1);
    }

    private double putRow(String figure, String group, JsonNode body, int runs) throws Exception {
        List<Timed> pipeline = new ArrayList<>();
        List<Double> inProcess = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            String name = run == 1 ? group : group + "-" + run;
            pipeline.add(timed(() -> awaitConverged(name, accepted(put(name, body.toString())))));
            inProcess.add(floor.put(name, body));
        }
        Timed took = medianRun(pipeline);
        double floorTook = median(inProcess);
        table.add(new Row(figure, secs(took.seconds()), secs(floorTook), ratio(took.seconds(), floorTook), took.busy()));
        return floorTook;
    }

    private void rotationRows() throws Exception {
        int hosts = sizes.largestMesh();
        TopicTraffic traffic = new TopicTraffic(wgmesh.bootstrapServers(), wgmesh.topicNames());
        TopicTraffic.Snapshot before = traffic.snapshot();
        rotateRow("rotate one host's keys in mesh " + hosts + ", to converged", "mesh-" + hosts, hostName(hosts / 2));
        TopicTraffic.Snapshot after = traffic.snapshot();
        for (TopicTraffic.Traffic topic : traffic.between(before, after)) {
            table.add(new Row("  that rotation on " + topic.topic(), String.format(Locale.ROOT, "%,d records, %s "
                    + "(broker's log +%s)", topic.records(), bytes(topic.bytes()), bytes(topic.stored())), "", "", ""));
        }
    }

    /**
     * The first changes at the largest size also pay for the JIT compiling what only gets hot there (seconds
     * of CPU in every process); services run for long, so the same kinds of change once more show what a
     * change costs them warm.
     */
    private void warmRows() throws Exception {
        int hosts = sizes.largestMesh();
        String group = "mesh-" + hosts;
        putRow("PUT changing every host's file (MTU) in mesh " + hosts + ", warm", group, mesh(hosts, MTU - 1));
        rotateRow("rotate another host's keys in mesh " + hosts + ", warm", group, hostName(hosts / 2 + 1));
    }

    private void rotateRow(String figure, String group, String host) throws Exception {
        Timed took = timed(() -> awaitConverged(group, rotate(group, host)));
        double floorTook = floor.rotate(group, host);
        table.add(new Row(figure, secs(took.seconds()), secs(floorTook), ratio(took.seconds(), floorTook), took.busy()));
    }

    /** POST .../rotate-keys; returns the revision it made. */
    private long rotate(String group, String host) {
        LocalApi.Answer rotated = api.post("/api/v1/groups/" + group + "/hosts/" + host + "/rotate-keys");
        if (rotated.status() != 202) {
            throw new IllegalStateException("rotate-keys answered " + rotated.status() + ": " + rotated.body());
        }
        return rotated.json().path("revision").asLong();
    }

    /** VmHWM: the most each process held in RAM since it started, so after the largest group and its rotation. */
    private void memoryRows() {
        for (ServiceProcess service : wgmesh.services()) {
            table.add(new Row("peak RSS " + service.name() + " (after mesh " + sizes.largestMesh() + ")",
                    bytes(service.peakRss()), "", "", ""));
        }
        for (BrokerProcess broker : wgmesh.brokers()) {
            table.add(new Row("peak RSS " + broker.name() + " (after mesh " + sizes.largestMesh() + ")",
                    bytes(broker.peakRss()), "", "", ""));
        }
    }

    private void changeRows() throws Exception {
        int groups = sizes.changedGroups();
        int hosts = sizes.changedGroupHosts();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= groups; i++) {
            names.add(String.format("burst-%03d", i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(groups);
        try {
            AtomicInteger refused = new AtomicInteger();
            awaitAll(putAll(pool, names, mesh(hosts, MTU), refused));
            int refusedAtCreation = refused.getAndSet(0);
            for (String name : names) {
                floor.put(name, mesh(hosts, MTU));
            }
            Map<String, Double> cpu = cpu();
            long start = System.nanoTime();
            List<String> rounds = new ArrayList<>();
            for (int round = 1; round <= sizes.changeRounds(); round++) {
                long roundStart = System.nanoTime();
                awaitAll(putAll(pool, names, mesh(hosts, MTU + round), refused));
                rounds.add(secs(seconds(roundStart)));
            }
            double took = seconds(start);
            String busy = busy(cpu);
            double floorTook = 0;
            for (int round = 1; round <= sizes.changeRounds(); round++) {
                for (String name : names) {
                    floorTook += floor.put(name, mesh(hosts, MTU + round));
                }
            }
            int changes = groups * sizes.changeRounds();
            table.add(new Row(String.format(Locale.ROOT, "changes per second, %d groups of %d hosts changed at once, "
                            + "%d round(s)", groups, hosts, sizes.changeRounds()),
                    String.format(Locale.ROOT, "%.1f /s (rounds %s; 503 and sent again: %d, at creation %d)",
                            changes / took, String.join(", ", rounds), refused.get(), refusedAtCreation),
                    String.format(Locale.ROOT, "%.1f /s", changes / floorTook), ratio(took, floorTook), busy));
            // what the services' changes per second cannot go above: one transaction per poll as they commit, and one
            // per record as they did before
            for (boolean transactionPerPoll : List.of(false, true)) {
                double kafkaTook = KafkaHops.burstSeconds(wgmesh.bootstrapServers(),
                        BrokerProcess.replicationFactor(brokers), groups, sizes.changeRounds(), transactionPerPoll);
                table.add(new Row(String.format(Locale.ROOT, "  Kafka alone: %d records at once through the same hops, "
                                + "%s, %d round(s)", groups, transactionPerPoll ? "one transaction per poll (as the services do)"
                                : "a transaction per record", sizes.changeRounds()),
                        String.format(Locale.ROOT, "%.1f /s", changes / kafkaTook),
                        String.format(Locale.ROOT, "%.1f /s", changes / floorTook), ratio(kafkaTook, floorTook), ""));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Every group's PUT at once; returns each group's new revision. A PUT that config-service answers 503
     * (it could not apply the change before the request's deadline, so nothing changed) is sent again, as
     * automation would, and counted.
     */
    private Map<String, Long> putAll(ExecutorService pool, List<String> names, ObjectNode body, AtomicInteger refused)
            throws Exception {
        String json = body.toString();
        Map<String, Future<LocalApi.Answer>> answers = new LinkedHashMap<>();
        names.forEach(name -> answers.put(name, pool.submit(() -> {
            LocalApi.Answer answer = put(name, json);
            for (int retry = 0; answer.status() == 503 && retry < 5; retry++) {
                refused.incrementAndGet();
                answer = put(name, json);
            }
            return answer;
        })));
        Map<String, Long> revisions = new LinkedHashMap<>();
        for (Map.Entry<String, Future<LocalApi.Answer>> answer : answers.entrySet()) {
            revisions.put(answer.getKey(), accepted(answer.getValue().get()));
        }
        return revisions;
    }

    /** One group after the other: polling all at once would load config-service more than the change does. */
    private void awaitAll(Map<String, Long> revisions) {
        revisions.forEach(this::awaitConverged);
    }

    /**
     * Until the group's status says converged at the revision or later; gives up at once when a process died (a
     * deployer out of memory, say) instead of waiting out the timeout. A group of up to 100 hosts is asked every
     * 5 ms: its change takes tens of milliseconds, which a poll every 100 ms rounded up by as much again, and its
     * status is cheap to answer. A larger group's status is dearer: asked again after 10 ms, then each wait half as
     * long again, up to 100 ms.
     */
    private void awaitConverged(String group, long revision) {
        awaitConverged(wgmesh, api, group, revision);
    }

    static void awaitConverged(WgmeshProcesses wgmesh, LocalApi api, String group, long revision) {
        Instant deadline = Instant.now().plus(CONVERGE_TIMEOUT);
        String last = "";
        long pause = 10;
        while (Instant.now().isBefore(deadline)) {
            wgmesh.checkAlive();
            LocalApi.Answer status = api.get("/api/v1/groups/" + group + "/status");
            last = status.body();
            JsonNode json = status.status() == 200 ? status.json() : null;
            if (json != null && json.path("converged").asBoolean(false) && json.path("revision").asLong() >= revision) {
                return;
            }
            boolean small = json != null && json.path("hosts").size() <= 100;
            ServiceProcess.sleep(small ? 5 : pause);
            pause = Math.min(100, pause * 3 / 2);
        }
        throw new IllegalStateException("group " + group + " did not converge at revision " + revision + " within "
                + CONVERGE_TIMEOUT + "; last status: " + last);
    }

    /** PUT of a group: creates or replaces it. */
    private LocalApi.Answer put(String group, String json) {
        return api.put("/api/v1/groups/" + group, json);
    }

    /**
     * Replicas with one host at a time each show how the consumer group scales; the default of 4 hosts at a
     * time per replica shows what one replica does alone. Speed-ups are against 1 replica, 1 host at a time.
     */
    record Rollout(int replicas, int parallelHosts) {
    }

    /**
     * Deployers run for long, so the replica counts are compared warm, on JVMs equally warm: the most
     * replicas start together, are warmed up by untimed rollouts, and are stopped down to each smaller
     * count. Four new JVMs compiling the same code on two cores took 5.0 to 6.0 s for rollouts 2 to 8 of
     * 200 hosts, 4.4 s for 9 to 14 and 3.9 s from the 24th on, while one replica went from 13.9 to 13.0 s.
     */
    private void rolloutRows() throws Exception {
        List<Integer> counts = sizes.scaledReplicas();
        table.machine("rollouts: each host's apply is the command '" + APPLY_50_MS + "'; each row is the median of "
                + ROLLOUT_RUNS + " timed rollouts, each changing every host's file; 1 host at a time: " + counts.get(0)
                + " new deployers, " + sizes.rolloutWarmUps() + " untimed rollouts, then stopped down to each count in "
                + "turn; more hosts at a time: new deployers, two untimed rollouts per replica");
        Map<Rollout, List<Timed>> timed = new LinkedHashMap<>();
        wgmesh.stopDeployers();
        List<String> running = startCommandDeployers(counts.get(0), 1);
        untimedRollouts("rollout-warm-up", sizes.rolloutWarmUps());
        for (int replicas : counts) {
            while (running.size() > replicas) {
                wgmesh.stopDeployer(running.remove(running.size() - 1));
            }
            wgmesh.awaitDeployerGroup(replicas, GROUP_TIMEOUT);
            timed.put(new Rollout(replicas, 1), timedRollouts("rollout-" + replicas + "x1"));
        }
        for (Rollout rollout : sizes.parallelRollouts()) {
            wgmesh.stopDeployers();
            startCommandDeployers(rollout.replicas(), rollout.parallelHosts());
            untimedRollouts("rollout-warm-up", 2 * rollout.replicas());
            timed.put(rollout, timedRollouts("rollout-" + rollout.replicas() + "x" + rollout.parallelHosts()));
        }
        double one = medianRun(timed.get(new Rollout(1, 1))).seconds();
        List<Rollout> rows = new ArrayList<>(counts.stream().sorted().map(replicas -> new Rollout(replicas, 1)).toList());
        rows.addAll(sizes.parallelRollouts());
        for (Rollout rollout : rows) {
            Timed took = medianRun(timed.get(rollout));
            String runs = timed.get(rollout).stream().map(run -> secs(run.seconds())).collect(Collectors.joining(", "));
            table.add(new Row(String.format(Locale.ROOT, "rollout of %d hosts at 50 ms a host (command target), "
                            + "%d deployer(s), %d host(s) at a time each", sizes.rolloutHosts(), rollout.replicas(),
                            rollout.parallelHosts()),
                    String.format(Locale.ROOT, "%s, speed-up %.2fx (runs %s)", secs(took.seconds()), one / took.seconds(),
                            runs), "", "", took.busy()));
        }
    }

    /** Starts command-target deployers and waits until they own every partition, so no rebalance is timed. */
    private List<String> startCommandDeployers(int replicas, int parallelHosts) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            String name = "deployer-" + ++deployerNumber;
            wgmesh.startCommandDeployer(name, APPLY_50_MS, Map.of("wgmesh.parallel-hosts", Integer.toString(parallelHosts)));
            names.add(name);
        }
        wgmesh.awaitDeployerGroup(replicas, GROUP_TIMEOUT);
        return names;
    }

    private void untimedRollouts(String group, int rollouts) {
        for (int rollout = 0; rollout < rollouts; rollout++) {
            awaitConverged(group, accepted(put(group, mesh(sizes.rolloutHosts(), MTU - rollout).toString())));
        }
    }

    /** A few rollouts, each changing every host's file so that each applies all of them. */
    private List<Timed> timedRollouts(String group) throws Exception {
        List<Timed> runs = new ArrayList<>();
        for (int run = 0; run < ROLLOUT_RUNS; run++) {
            String body = mesh(sizes.rolloutHosts(), MTU - run).toString();
            runs.add(timed(() -> awaitConverged(group, accepted(put(group, body)))));
        }
        return runs;
    }

    // --- measuring ----------------------------------------------------------------------------------

    /** A change through the pipeline, awaited until converged. */
    private interface Change {
        void run() throws Exception;
    }

    /** How long a change took and the CPU the busiest processes used meanwhile. */
    private record Timed(double seconds, String busy) {
    }

    private Timed timed(Change change) throws Exception {
        Map<String, Double> cpu = cpu();
        long start = System.nanoTime();
        change.run();
        return new Timed(seconds(start), busy(cpu));
    }

    /** The run of median time. */
    private static Timed medianRun(List<Timed> runs) {
        return median(runs, Comparator.comparingDouble(Timed::seconds));
    }

    /** CPU seconds so far of every process that runs now: the services, the broker and this JVM (the floor, the polls). */
    private Map<String, Double> cpu() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        wgmesh.services().stream().filter(ServiceProcess::isAlive).forEach(s -> cpu.put(s.name(), s.cpuSeconds()));
        wgmesh.brokers().forEach(broker -> cpu.put(broker.name(), broker.cpuSeconds()));
        cpu.put("bench", Processes.cpuSeconds(ProcessHandle.current().pid()));
        return cpu;
    }

    private String busy(Map<String, Double> before) {
        Map<String, Double> after = cpu();
        return after.entrySet().stream().filter(e -> before.containsKey(e.getKey()))
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.get(e.getKey())))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(3)
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String jvmArguments() {
        List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Dwgmesh.")).toList();
        return arguments.isEmpty() ? "the JVM's default options" : String.join(" ", arguments);
    }

    static String loadAverage() throws IOException {
        return String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3))
                + " (1, 5, 15 min)";
    }

    static long accepted(LocalApi.Answer response) {
        if (response.status() != 200 && response.status() != 201) {
            throw new IllegalStateException("the API answered " + response.status() + ": " + response.body());
        }
        return response.json().path("revision").asLong();
    }

    // --- groups -------------------------------------------------------------------------------------

    /** A mesh as an operator declares one: every host with an endpoint, an internal network and keepalives. */
    static ObjectNode mesh(int hosts, int mtu) {
        ObjectNode group = EventJson.mapper().createObjectNode();
        group.put("topology", "mesh");
        group.put("tunnelNetwork", "10.99.0.0/16");
        group.put("mtu", mtu);
        group.put("persistentKeepalive", 25);
        ArrayNode list = group.putArray("hosts");
        for (int i = 1; i <= hosts; i++) {
            ObjectNode host = list.addObject();
            host.put("name", hostName(i));
            host.put("endpoint", hostName(i) + ".example.net:51820");
            host.putArray("internalNetworks").add(String.format("10.%d.%d.0/24", 100 + i / 256, i % 256));
        }
        return group;
    }

    private static String hostName(int i) {
        return String.format("node-%04d", i);
    }

    // --- formatting ---------------------------------------------------------------------------------

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double median(List<Double> values) {
        return median(values, Comparator.naturalOrder());
    }

    private static <T> T median(List<T> values, Comparator<? super T> order) {
        return values.stream().sorted(order).toList().get(values.size() / 2);
    }

    static String secs(double seconds) {
        String format = seconds < 1 ? "%.3f s" : seconds < 10 ? "%.2f s" : "%.1f s";
        return String.format(Locale.ROOT, format, seconds);
    }

    private static String ratio(double pipeline, double floor) {
        return String.format(Locale.ROOT, "%.1fx", pipeline / floor);
    }

    static String bytes(long bytes) {
        return bytes < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }
}
