package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.cli.process.ServiceProcess;
import dev.wgmesh.cli.process.WgmeshProcesses;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.e2e.Api;
import dev.wgmesh.e2e.TopicRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * wgmesh as separate processes under faults, in one run so that the last test can scan everything
 * the others produced: a deployer replica killed with SIGKILL mid-rollout, replicas added
 * mid-rollout, rollout times by replica count, the broker stopped for 20 s mid-rollout, and a scan
 * of every record, log line and API answer for the deployed secrets. Figures are printed, never asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessFaultsTest {

    private static final int HOSTS = 200;
    private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration GROUP_TIMEOUT = Duration.ofMinutes(2);

    private Path workDir;
    private Path fileOut;
    private Path commandOut;
    private WgmeshProcesses wgmesh;
    private Api api;
    private int deployerNumber;

    @BeforeAll
    void start() throws IOException {
        workDir = Files.createTempDirectory("wgmesh-process-");
        Processes.deleteAtExit(workDir);
        fileOut = workDir.resolve("out");
        commandOut = workDir.resolve("command-out");
        Path logDir = Path.of("target", "process-logs",
                getClass().getSimpleName() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        wgmesh = new WgmeshProcesses(Path.of(System.getProperty("user.dir")).getParent(), workDir,
                logDir.toAbsolutePath());
        System.out.println("[process] logs in " + logDir.toAbsolutePath());
        wgmesh.startPipeline();
        api = new Api(wgmesh.apiBase(), wgmesh.apiToken());
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (wgmesh != null) {
                wgmesh.close();
            }
        } finally {
            // the deployed files hold private keys: nothing of them stays behind
            Processes.deleteTree(workDir);
        }
    }

    @Test
    @Order(1)
    void aKilledDeployerHandsItsHostsToTheOthers() throws Exception {
        List<String> replicas = startFileDeployers(3);
        wgmesh.awaitDeployerGroup(3, GROUP_TIMEOUT);
        FileReader reader = new FileReader(fileOut.resolve("fleet"));

        long first = accepted(api.put("fleet", mesh(1400).toString()));
        long second = accepted(api.put("fleet", mesh(1401).toString()));
        awaitApplied("fleet", first, HOSTS / 4);
        String victim = replicas.get(1);
        // a replica takes a poll's records together, so a quarter of the hosts may be done before it reports
        awaitReportedBy("fleet", victim);
        long killedAt = System.nanoTime();
        wgmesh.deployer(victim).kill();
        long appliedAtKill = api.appliedAtLeast("fleet", first);
        long last = accepted(api.put("fleet", mesh(1402).toString()));
        api.awaitConverged("fleet", last, CONVERGE_TIMEOUT);
        System.out.printf("[process] kill -9 of %s with %d of %d hosts at revision %d or later; the other two "
                        + "finished revisions %d..%d in %.1f s after the kill%n",
                victim, appliedAtKill, HOSTS, first, second, last, seconds(killedAt));
        assertWholeFilesOnly(reader);

        List<DeploymentReported> reports = TopicRecords.reports(wgmesh.broker().bootstrapServers(), "fleet");
        Faults.assertRevisionsNeverGoBack(reports);
        Set<String> victimsHosts = reports.stream().filter(r -> r.replica().equals(victim))
                .map(r -> r.host().value()).collect(Collectors.toCollection(TreeSet::new));
        Map<String, String> lastAppliedBy = latestApplied(reports, last);
        assertThat(victimsHosts).as("hosts the killed replica had applied").isNotEmpty();
        assertThat(lastAppliedBy).as("hosts with an APPLIED report at the latest revision").hasSize(HOSTS);
        assertThat(lastAppliedBy.values()).as("replicas that applied the latest revision").doesNotContain(victim);
        System.out.printf("[process] the killed replica had applied %d hosts; reports by replica: %s%n",
                victimsHosts.size(), countBy(reports));
        assertDeployedFiles(fileOut.resolve("fleet"), 1402);
    }

    @Test
    @Order(2)
    void deployersAddedDuringARolloutShareTheHosts() throws Exception {
        wgmesh.stopDeployers();
        startFileDeployers(1);
        wgmesh.awaitDeployerGroup(1, GROUP_TIMEOUT);
        FileReader reader = new FileReader(fileOut.resolve("fleet"));

        long first = accepted(api.put("fleet", mesh(1403).toString()));
        awaitApplied("fleet", first, HOSTS / 5);
        long scaledAt = System.nanoTime();
        startFileDeployers(3);
        // one more revision while the three start and join, one after they joined: rebalances under load
        accepted(api.put("fleet", mesh(1404).toString()));
        wgmesh.awaitDeployerGroup(4, GROUP_TIMEOUT);
        int mtu = 1405;
        long last = accepted(api.put("fleet", mesh(mtu).toString()));
        api.awaitConverged("fleet", last, CONVERGE_TIMEOUT);
        System.out.printf("[process] scaled from 1 to 4 deployers during revisions %d..%d: converged %.1f s after "
                + "the start of the three%n", first, last, seconds(scaledAt));
        assertWholeFilesOnly(reader);

        List<DeploymentReported> reports = TopicRecords.reports(wgmesh.broker().bootstrapServers(), "fleet");
        Faults.assertRevisionsNeverGoBack(reports);
        Map<String, String> lastAppliedBy = latestApplied(reports, last);
        assertThat(lastAppliedBy).hasSize(HOSTS);
        assertThat(new TreeSet<>(lastAppliedBy.values())).as("replicas that applied the latest revision").hasSize(4);
        System.out.printf("[process] latest revision applied by replica: %s%n",
                lastAppliedBy.values().stream().collect(Collectors.groupingBy(r -> r, TreeMap::new, Collectors.counting())));
        assertDeployedFiles(fileOut.resolve("fleet"), mtu);
    }

    @Test
    @Order(3)
    void rolloutTimeByReplicaCount() throws Exception {
        for (int replicas : List.of(1, 2, 4)) {
            wgmesh.stopDeployers();
            for (int i = 0; i < replicas; i++) {
                startCommandDeployer();
            }
            wgmesh.awaitDeployerGroup(replicas, GROUP_TIMEOUT);
            String group = "bench-" + replicas;
            long started = System.nanoTime();
            long revision = accepted(api.put(group, mesh(1420).toString()));
            api.awaitConverged(group, revision, CONVERGE_TIMEOUT);
            double took = seconds(started);
            // the deployers' share: from the first report to the last (the rest is keygen, renderer and delivery)
            List<Instant> reported = TopicRecords.reports(wgmesh.broker().bootstrapServers(), group).stream()
                    .map(DeploymentReported::occurredAt).sorted().toList();
            System.out.printf("[process] rollout of %d hosts, command target at 50 ms a host, %d deployer replica(s): "
                            + "%.1f s from PUT to converged, %.1f s from the first report to the last%n", HOSTS, replicas,
                    took, Duration.between(reported.get(0), reported.get(reported.size() - 1)).toMillis() / 1000.0);
            assertDeployedFiles(commandOut.resolve(group), 1420);
        }
    }

    @Test
    @Order(4)
    void theBrokerStopsForTwentySecondsMidRollout() throws Exception {
        if (!deployerGroupSettled(4)) {
            wgmesh.stopDeployers();
            for (int i = 0; i < 4; i++) {
                startCommandDeployer();
            }
            wgmesh.awaitDeployerGroup(4, GROUP_TIMEOUT);
        }
        String group = "faults";
        long created = accepted(api.put(group, mesh(1430).toString()));
        api.awaitConverged(group, created, CONVERGE_TIMEOUT);

        long rolling = accepted(api.put(group, mesh(1431).toString()));
        awaitApplied(group, rolling, HOSTS / 10);
        // accepted, then the broker goes at once: keygen may not even have seen it yet
        long lastAccepted = accepted(api.put(group, mesh(1432).toString()));
        long stoppedAt = System.nanoTime();
        wgmesh.broker().stop();
        double stopSeconds = seconds(stoppedAt);

        // config-service gives up after its producer's max.block.ms (10 s); a few seconds more is a hang
        Api.Response refused = api.put(group, mesh(1280).toString(), Duration.ofSeconds(20));
        System.out.printf("[process] broker stopped (SIGTERM, %.1f s); a PUT while it is down got %d %s in %.1f s: %s%n",
                stopSeconds, refused.status(), refused.contentType(), refused.took().toMillis() / 1000.0, refused.text());
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().path("errors").isArray()).isTrue();
        assertThat(api.get("/api/v1/groups/" + group).body().path("revision").asLong()).isEqualTo(lastAccepted);

        long downFor = Duration.ofSeconds(20).toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000;
        ServiceProcess.sleep(Math.max(0, downFor));
        long restartedAt = System.nanoTime();
        wgmesh.broker().start();
        System.out.printf("[process] broker down for %.1f s, up again in %.1f s%n",
                (restartedAt - stoppedAt) / 1e9, seconds(restartedAt));
        api.awaitConverged(group, lastAccepted, CONVERGE_TIMEOUT);
        System.out.printf("[process] group converged at revision %d %.1f s after the broker's restart%n",
                lastAccepted, seconds(restartedAt));
        assertDeployedFiles(commandOut.resolve(group), 1432);

        // the refused change took no revision and left nothing behind
        long after = accepted(api.put(group, mesh(1433).toString()));
        assertThat(after).isEqualTo(lastAccepted + 1);
        api.awaitConverged(group, after, CONVERGE_TIMEOUT);
        assertDeployedFiles(commandOut.resolve(group), 1433);
        List<Long> mtus = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : TopicRecords.read(wgmesh.broker().bootstrapServers(),
                List.of(Topics.HOST_GROUP_CHANGED))) {
            if (group.equals(record.key()) && record.value() != null) {
                mtus.add(EventJson.tree(record.value()).path("spec").path("mtu").asLong());
            }
        }
        assertThat(mtus).as("MTUs of the group's changes on %s", Topics.HOST_GROUP_CHANGED).doesNotContain(1280L);
        Faults.assertRevisionsNeverGoBack(TopicRecords.reports(wgmesh.broker().bootstrapServers(), group));
        for (ServiceProcess service : wgmesh.services()) {
            assertThat(service.isAlive()).as("%s runs", service).isTrue();
        }
    }

    /**
     * A rollout in waves goes on where it stood when config-service, which decides the waves, and the renderer,
     * which releases them, are killed with SIGKILL in its middle: its state is on wgmesh.rollout-progressed.
     */
    @Test
    @Order(5)
    void aRolloutInWavesGoesOnAfterConfigServiceAndTheRendererAreKilled() throws Exception {
        String group = "staged";
        ObjectNode body = mesh(1420);
        ArrayNode hosts = (ArrayNode) body.get("hosts");
        while (hosts.size() > 8) {
            hosts.remove(hosts.size() - 1);
        }
        body.set("rollout", EventJson.mapper().readTree("""
                {"strategy": "waves", "canary": 1, "waveSize": 1, "gateSeconds": 60, "onFailure": "pause"}"""));
        long created = accepted(api.put(group, body.toString()));
        api.awaitConverged(group, created, CONVERGE_TIMEOUT);
        body.put("mtu", 1380);
        long staged = accepted(api.put(group, body.toString()));

        awaitRollout(group, staged, rollout -> rollout.path("wave").asInt() >= 3);
        ServiceProcess config = service("config-service");
        ServiceProcess renderer = service("renderer-service");
        long killedAt = System.nanoTime();
        config.kill();
        renderer.kill();
        config.start();
        renderer.start();
        config.awaitStarted(WgmeshProcesses.START_TIMEOUT);
        renderer.awaitStarted(WgmeshProcesses.START_TIMEOUT);
        JsonNode done = awaitRollout(group, staged, rollout -> rollout.path("state").asText().equals("DONE"));
        api.awaitConverged(group, staged, CONVERGE_TIMEOUT);
        System.out.printf("[process] rollout in %d waves: config-service and the renderer killed at wave 3 or later;"
                + " done and converged %.1f s after the kill%n", done.path("waves").asInt(), seconds(killedAt));

        assertThat(done.path("waves").asInt()).isEqualTo(8);
        Faults.assertDeployedFiles(commandOut.resolve(group), 1380, 8);
        Faults.assertRevisionsNeverGoBack(TopicRecords.reports(wgmesh.broker().bootstrapServers(), group));
    }

    @Test
    @Order(6)
    void noSecretInAnyRecordLogOrAnswer() throws Exception {
        SecretScan scan = new SecretScan();
        int files = scan.addDeployedKeys(fileOut) + scan.addDeployedKeys(commandOut);
        scan.add(SecretKey.parse(Files.readString(workDir.resolve("deployer.key")).trim()), "the deployers' private key");
        assertThat(files).isGreaterThan(HOSTS);

        // the scanner finds what it looks for
        Path oneConf = fileOut.resolve("fleet").resolve("node-001").resolve("wg0.conf");
        SecretScan control = new SecretScan();
        control.addDeployedKeys(oneConf.getParent());
        control.scan("control", Files.readString(oneConf));
        assertThat(control.findings()).hasSize(HOSTS);

        int records = 0;
        int deadLetters = 0;
        for (ConsumerRecord<String, byte[]> record : TopicRecords.all(wgmesh.broker().bootstrapServers())) {
            String where = record.topic() + "-" + record.partition() + "@" + record.offset();
            scan.scan(where + " key", record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8));
            scan.scan(where + " value", record.value());
            for (Header header : record.headers()) {
                scan.scan(where + " header " + header.key(), header.value());
            }
            records++;
            deadLetters += record.topic().endsWith("-dlt") ? 1 : 0;
        }
        List<Path> logs = wgmesh.logFiles();
        logs.forEach(scan::scanFile);
        List<String> answers = api.answers();
        for (int i = 0; i < answers.size(); i++) {
            scan.scan("API answer " + i, answers.get(i));
        }
        System.out.printf("[process] secret scan: %d keys from %d deployed files, in %d records (%d dead letters), %d log "
                        + "files and %d API answers (%.1f MB): %d found%n", scan.secrets(), files, records, deadLetters,
                logs.size(), answers.size(), scan.scannedBytes() / 1e6, scan.findings().size());
        assertThat(scan.findings()).isEmpty();
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** The status's rollout of {@code revision} once {@code done} accepts it. */
    private JsonNode awaitRollout(String group, long revision, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
        JsonNode rollout = null;
        while (System.nanoTime() < deadline) {
            try {
                rollout = api.status(group).path("rollout");
                if (rollout.path("revision").asLong() == revision && done.test(rollout)) {
                    return rollout;
                }
            } catch (RuntimeException | AssertionError e) {
                // config-service is restarting: its API does not answer yet (Api says so with an AssertionError)
            }
            ServiceProcess.sleep(200);
        }
        throw new AssertionError("the rollout of revision " + revision + " of " + group + " is not there: " + rollout);
    }

    private ServiceProcess service(String name) {
        return wgmesh.services().stream().filter(service -> service.name().equals(name)).findFirst().orElseThrow();
    }

    private List<String> startFileDeployers(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String replica = "deployer-" + ++deployerNumber;
            wgmesh.startDeployer(replica, fileOut, Map.of());
            names.add(replica);
        }
        return names;
    }

    private void startCommandDeployer() throws IOException {
        wgmesh.startCommandDeployer("deployer-" + ++deployerNumber, commandOut);
    }

    private boolean deployerGroupSettled(int replicas) {
        try {
            wgmesh.awaitDeployerGroup(replicas, Duration.ZERO);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private void awaitApplied(String group, long revision, int hosts) {
        long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
        while (api.appliedAtLeast(group, revision) < hosts) {
            assertThat(System.nanoTime()).as("%d hosts of %s at revision %d", hosts, group, revision).isLessThan(deadline);
            ServiceProcess.sleep(20);
        }
    }

    /** Until {@code replica} is the latest to have reported some host of the group. */
    private void awaitReportedBy(String group, String replica) {
        long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
        while (!reportedBy(api.status(group), replica)) {
            assertThat(System.nanoTime()).as("a report of %s by %s", group, replica).isLessThan(deadline);
            ServiceProcess.sleep(20);
        }
    }

    private static boolean reportedBy(JsonNode status, String replica) {
        for (JsonNode host : status.path("hosts")) {
            if (replica.equals(host.path("replica").asString(""))) {
                return true;
            }
        }
        return false;
    }

    private static long accepted(Api.Response response) {
        assertThat(response.status()).as("answer %s", response.text()).isIn(200, 201);
        return response.body().path("revision").asLong();
    }

    private static void assertWholeFilesOnly(FileReader reader) throws InterruptedException {
        reader.close();
        System.out.printf("[process] a reader parsed %d deployed files while the deployers wrote them%n", reader.reads());
        assertThat(reader.broken()).as("files that did not parse while deployers wrote").isEmpty();
    }

    /** Host -> replica of its APPLIED report at {@code revision}. */
    private static Map<String, String> latestApplied(List<DeploymentReported> reports, long revision) {
        Map<String, String> by = new TreeMap<>();
        reports.stream().filter(r -> r.outcome() == Outcome.APPLIED && r.revision() == revision)
                .forEach(r -> by.put(r.host().value(), r.replica()));
        return by;
    }

    private static Map<String, Long> countBy(List<DeploymentReported> reports) {
        return reports.stream().collect(Collectors.groupingBy(DeploymentReported::replica, TreeMap::new, Collectors.counting()));
    }

    /** Every host has one whole wg0.conf of the expected revision (its MTU) and no temp file is left. */
    private static void assertDeployedFiles(Path groupDir, int mtu) throws IOException {
        Faults.assertDeployedFiles(groupDir, mtu, HOSTS);
    }

    private static ObjectNode mesh(int mtu) {
        return Faults.mesh(HOSTS, mtu);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
