package dev.wgmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Cause;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.e2e.lab.Lab;
import dev.wgmesh.e2e.lab.LabTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Health, drift and repair on real WireGuard: a four-host mesh in the lab, one deployer with the command
 * target (host/wgmesh-apply and its {@code status}) looking every two seconds. Every link reports UP with a
 * handshake; an interface deleted with {@code ip link del} and a peer changed with {@code wg set} are
 * reported and put back; a host whose network is cut shows DOWN on the others, and UP again when it
 * returns; a stable mesh is applied zero times in ten intervals; a deployer restarted on an empty state
 * restores every host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthLabTest {

    private static final String GROUP = "health";
    private static final List<String> HOSTS = IntStream.rangeClosed(1, 4).mapToObj(i -> "health-0" + i).toList();
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** A link is DOWN once its handshake is older than 180 s; then one observe interval to see it. */
    private static final Duration DOWN_WAIT = Duration.ofSeconds(300);

    @TempDir
    static Path workDir;

    private Lab lab;
    private KafkaBroker broker;
    private Wgmesh wgmesh;

    @BeforeAll
    void start() throws Exception {
        LabTools.assumeAvailable();
        lab = Lab.start(HOSTS.toArray(String[]::new));
        broker = KafkaBroker.start();
        wgmesh = new Wgmesh(broker.bootstrapServers(), workDir, 1, Map.of(
                "wgmesh.target", "command",
                "wgmesh.command", lab.applyCommandScript().toString(),
                "wgmesh.observe-interval", INTERVAL.toMillis() + "ms"));
    }

    @AfterAll
    void stop() {
        Stream.<AutoCloseable>of(wgmesh, broker, lab).filter(c -> c != null).forEach(c -> {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    @Order(1)
    void everyLinkOfANewMeshIsUpWithAHandshake() throws Exception {
        ObjectNode group = EventJson.mapper().createObjectNode();
        group.put("topology", "mesh");
        group.put("tunnelNetwork", "10.97.0.0/24");
        group.put("persistentKeepalive", 25);
        ArrayNode hosts = group.putArray("hosts");
        for (String name : HOSTS) {
            hosts.addObject().put("name", name).put("endpoint", lab.underlayAddress(name) + ":51820");
        }
        Api.Response created = wgmesh.api().put(GROUP, group.toString());
        assertThat(created.status()).as("PUT answer %s", created.body()).isEqualTo(201);
        wgmesh.api().awaitConverged(GROUP, created.body().path("revision").asLong(), WAIT);

        Map<String, HostHealthReported> latest = awaitHealth(HealthLabTest::allUp);

        assertThat(latest.values()).allSatisfy(health -> {
            assertThat(health.drift()).isEqualTo(Drift.IN_SYNC);
            assertThat(health.links()).hasSize(HOSTS.size() - 1).allSatisfy(link -> {
                assertThat(link.state()).isEqualTo(LinkState.UP);
                assertThat(link.latestHandshake()).isNotNull();
            });
        });
    }

    @Test
    @Order(2)
    void aStableMeshIsAppliedZeroTimesInTenIntervals() throws Exception {
        // settled: every tunnel up and its first bytes since the apply reported (a keepalive comes every 25 s)
        awaitHealth(latest -> allUp(latest) && latest.values().stream()
                .allMatch(h -> h.links().stream().allMatch(l -> l.receivedAfterApplyAt() != null)));
        int before = reports().size();
        double brief = looks("brief");
        double full = looks("full");

        Thread.sleep(INTERVAL.multipliedBy(10).toMillis());

        assertThat(reports()).hasSize(before);
        // settled hosts are only asked whether anything changed: 4 hosts, a look every 1.6 to 2.4 s
        System.out.printf("ten intervals of a stable mesh: %.0f brief looks, %.0f full looks%n",
                looks("brief") - brief, looks("full") - full);
        assertThat(looks("brief") - brief).isGreaterThan(20);
        assertThat(looks("full") - full).isLessThan(looks("brief") - brief);
    }

    private double looks(String look) {
        return wgmesh.deployerCount("wgmesh.host.looks", "look", look);
    }

    @Test
    @Order(3)
    void aDeletedInterfaceIsReportedAndRepairedAndItsLinksComeBack() throws Exception {
        lab.exec("health-02", "ip", "link", "del", "wg0").orThrow();

        awaitReport(r -> r.host().value().equals("health-02") && r.cause() == Cause.DRIFT_REPAIR
                && r.outcome() == Outcome.APPLIED);
        assertThat(health()).anySatisfy(h -> {
            assertThat(h.host().value()).isEqualTo("health-02");
            assertThat(h.drift()).isEqualTo(Drift.MISSING);
            assertThat(h.differences()).contains("wg0: interface missing");
        });
        Instant repaired = Instant.now();
        awaitHealth(HealthLabTest::allUp);
        System.out.printf("ip link del: repaired, every link UP again %d ms after the repair%n",
                Duration.between(repaired, Instant.now()).toMillis());
    }

    @Test
    @Order(4)
    void aPeerChangedByHandIsPutBack() throws Exception {
        String peerKey = lab.wgShow("health-01").stream().filter(p -> p.iface().equals("wg0")).findFirst()
                .orElseThrow().publicKey();
        lab.exec("health-01", "wg", "set", "wg0", "peer", peerKey, "persistent-keepalive", "5").orThrow();

        awaitReport(r -> r.host().value().equals("health-01") && r.cause() == Cause.DRIFT_REPAIR);
        assertThat(health()).anySatisfy(h -> {
            assertThat(h.host().value()).isEqualTo("health-01");
            assertThat(h.drift()).isEqualTo(Drift.DRIFTED);
            assertThat(h.differences()).anyMatch(d -> d.contains("persistent keepalive 5, declared 25"));
        });
        awaitHealth(latest -> latest.get("health-01").drift() == Drift.IN_SYNC);
        String keepalive = lab.exec("health-01", "wg", "show", "wg0", "persistent-keepalive").orThrow().stdout();
        assertThat(keepalive).doesNotContain("\t5");
    }

    @Test
    @Order(5)
    void aHostWhoseNetworkIsCutIsDownOnTheOthersUntilItReturns() throws Exception {
        String device = underlayDevice("health-04");
        lab.exec("health-04", "ip", "link", "set", "dev", device, "down").orThrow();
        Instant cut = Instant.now();
        try {
            awaitHealth(DOWN_WAIT, latest -> HOSTS.stream().filter(h -> !h.equals("health-04")).allMatch(h ->
                    latest.get(h).links().stream().anyMatch(l -> l.peer().value().equals("health-04")
                            && l.state() == LinkState.DOWN)));
            System.out.printf("network of health-04 cut: DOWN on every other host after %d s%n",
                    Duration.between(cut, Instant.now()).toSeconds());
        } finally {
            lab.exec("health-04", "ip", "link", "set", "dev", device, "up").orThrow();
        }
        Instant back = Instant.now();
        awaitHealth(HealthLabTest::allUp);
        System.out.printf("network of health-04 back: every link UP after %d s%n",
                Duration.between(back, Instant.now()).toSeconds());
    }

    @Test
    @Order(6)
    void aDeployerRestartedOnAnEmptyStateRestoresEveryHost() throws Exception {
        Path state = wgmesh.outDir().resolve(".wgmesh-state");
        try (Stream<Path> paths = Files.walk(state)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        wgmesh.restart();

        awaitReports(reports -> reports.stream().filter(r -> r.cause() == Cause.RESTORE
                && r.outcome() == Outcome.APPLIED).map(r -> r.host().value()).distinct().count() == HOSTS.size());
        awaitHealth(HealthLabTest::allUp);
    }

    private static boolean allUp(Map<String, HostHealthReported> latest) {
        return latest.keySet().containsAll(HOSTS) && latest.values().stream().allMatch(h -> h.drift() == Drift.IN_SYNC
                && h.links().size() == HOSTS.size() - 1
                && h.links().stream().allMatch(l -> l.state() == LinkState.UP));
    }

    private String underlayDevice(String host) {
        String address = lab.underlayAddress(host);
        return lab.exec(host, "ip", "-o", "-4", "address", "show").orThrow().stdout().lines()
                .filter(line -> line.contains(" " + address + "/")).map(line -> line.split("\\s+")[1])
                .findFirst().orElseThrow();
    }

    private List<HostHealthReported> health() throws Exception {
        return TopicRecords.read(wgmesh.bootstrapServers(), List.of(Topics.HOST_HEALTH_REPORTED)).stream()
                .filter(r -> r.value() != null).map(ConsumerRecord::value)
                .map(v -> EventJson.read(v, HostHealthReported.class)).toList();
    }

    private List<DeploymentReported> reports() throws Exception {
        return TopicRecords.reports(wgmesh.bootstrapServers(), GROUP);
    }

    /** Waits until the latest health of every host (by observation time) passes. */
    private Map<String, HostHealthReported> awaitHealth(Predicate<Map<String, HostHealthReported>> done)
            throws Exception {
        return awaitHealth(WAIT, done);
    }

    private Map<String, HostHealthReported> awaitHealth(Duration wait, Predicate<Map<String, HostHealthReported>> done)
            throws Exception {
        Instant deadline = Instant.now().plus(wait);
        Map<String, HostHealthReported> latest = Map.of();
        while (Instant.now().isBefore(deadline)) {
            Map<String, HostHealthReported> byHost = new LinkedHashMap<>();
            health().stream().sorted(Comparator.comparing(HostHealthReported::observedAt))
                    .forEach(h -> byHost.put(h.host().value(), h));
            latest = byHost;
            if (done.test(latest)) {
                return latest;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("health not as expected in " + wait + ": " + latest);
    }

    private void awaitReport(Predicate<DeploymentReported> wanted) throws Exception {
        awaitReports(reports -> reports.stream().anyMatch(wanted));
    }

    private void awaitReports(Predicate<List<DeploymentReported>> done) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (done.test(reports())) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("reports not as expected in " + WAIT + ": " + reports());
    }
}
