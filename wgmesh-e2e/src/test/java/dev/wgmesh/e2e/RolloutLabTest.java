package dev.wgmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.e2e.lab.Lab;
import dev.wgmesh.e2e.lab.LabTools;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rollouts in waves on real WireGuard: a four-host mesh in the lab (one deployer, the command target, looking
 * every second; keepalives every 5 s) that rolls out in waves of one host, canary first, with a 20 s gate. A
 * good change passes every wave; a change whose new port the host's network does not let through (policy
 * routing prohibits UDP to and from it, as a cloud firewall that allows only the old port would) stops at its
 * canary and is rolled back, and every tunnel works again; a key rotation rolled back by the operator brings
 * the old key back, and it works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutLabTest {

    private static final String GROUP = "waves";
    private static final List<String> HOSTS = IntStream.rangeClosed(1, 4).mapToObj(i -> "waves-0" + i).toList();
    private static final int GATE_SECONDS = 20;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    static Path workDir;

    private Lab lab;
    private KafkaBroker broker;
    private Wgmesh wgmesh;
    private final Map<String, Integer> ports = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        LabTools.assumeAvailable();
        lab = Lab.start(HOSTS.toArray(String[]::new));
        broker = KafkaBroker.start();
        wgmesh = new Wgmesh(broker.bootstrapServers(), workDir, 1, Map.of(
                "wgmesh.target", "command",
                "wgmesh.command", lab.applyCommandScript().toString(),
                "wgmesh.observe-interval", "1000ms"));
        HOSTS.forEach(host -> ports.put(host, 51820));
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
    void aNewGroupGoesToEveryHostAtOnce() {
        Api.Response created = wgmesh.api().put(GROUP, group());
        assertThat(created.status()).as("PUT answer %s", created.body()).isEqualTo(201);
        JsonNode status = wgmesh.api().awaitConverged(GROUP, created.body().path("revision").asLong(), WAIT);

        assertThat(status.has("rollout")).as("nothing ran before, so nothing is staged").isFalse();
        awaitEveryTunnelWorks();
    }

    @Test
    @Order(2)
    void aGoodChangePassesEveryWaveCanaryFirst() {
        ports.put("waves-02", 51821);
        Api.Response changed = wgmesh.api().put(GROUP, group());
        assertThat(changed.status()).as("PUT answer %s", changed.body()).isEqualTo(200);
        long revision = changed.body().path("revision").asLong();
        Instant started = Instant.now();

        List<String> seen = new ArrayList<>();
        JsonNode rollout = awaitRollout(revision, "DONE", seen);
        System.out.printf("[lab] good change, rollout of revision %d: %s, done %d s after the change%n", revision,
                String.join(" -> ", seen), Duration.between(started, Instant.now()).toSeconds());

        assertThat(rollout.path("waves").asInt()).isEqualTo(4);
        assertThat(rollout.path("waveHosts").get(0).get(0).asText()).as("the host the change touches goes first")
                .isEqualTo("waves-02");
        assertThat(seen).as("every wave was seen running before the end").contains("RUNNING 1/4", "DONE 4/4");
        wgmesh.api().awaitConverged(GROUP, revision, WAIT);
        awaitEveryTunnelWorks();
    }

    @Test
    @Order(3)
    void aChangeWhoseTunnelsCannotWorkStopsAtTheCanaryAndIsRolledBack() throws Exception {
        closePort("waves-03", 51822);
        try {
            ports.put("waves-03", 51822);
            Api.Response changed = wgmesh.api().put(GROUP, group());
            assertThat(changed.status()).as("PUT answer %s", changed.body()).isEqualTo(200);
            long revision = changed.body().path("revision").asLong();
            Instant started = Instant.now();

            List<String> seen = new ArrayList<>();
            JsonNode rollout = awaitRollout(revision, "ROLLED_BACK", seen);
            System.out.printf("[lab] bad port, rollout of revision %d: %s, rolled back %d s after the change: %s%n",
                    revision, String.join(" -> ", seen), Duration.between(started, Instant.now()).toSeconds(),
                    rollout.path("reason").asText());

            assertThat(rollout.path("wave").asInt()).as("stopped at the canary").isEqualTo(1);
            assertThat(rollout.path("reason").asText()).contains("waves-03 <- waves-0").contains("no traffic since");
            JsonNode status = wgmesh.api().awaitConverged(GROUP, revision + 1, WAIT);
            assertThat(status.path("revision").asLong()).isEqualTo(revision + 1);
            assertThat(wgmesh.api().get("/api/v1/groups/" + GROUP).body().path("hosts").get(2).path("endpoint").asText())
                    .as("the group is declared as before the change again").endsWith(":51820");
            Set<String> appliedTheBadRevision = new LinkedHashSet<>();
            for (DeploymentReported report : TopicRecords.reports(wgmesh.bootstrapServers(), GROUP)) {
                if (report.revision() == revision && report.outcome() == DeploymentReported.Outcome.APPLIED) {
                    appliedTheBadRevision.add(report.host().value());
                }
            }
            assertThat(appliedTheBadRevision).as("only the canary ever ran the bad change").containsExactly("waves-03");
        } finally {
            ports.put("waves-03", 51820);
            openPort("waves-03", 51822);
        }
        awaitEveryTunnelWorks();
    }

    @Test
    @Order(4)
    void aKeyRotationRolledBackByTheOperatorBringsTheOldKeyBackAndItWorks() throws Exception {
        PublicKey oldKey = DeployedFiles.read(lab, HOSTS).publicKeys().get("waves-04");
        Api.Response rotated = wgmesh.api().post("/api/v1/groups/" + GROUP + "/hosts/waves-04/rotate-keys");
        assertThat(rotated.status()).as("rotate answer %s", rotated.body()).isEqualTo(202);
        long revision = rotated.body().path("revision").asLong();
        Instant deadline = Instant.now().plus(WAIT);
        while (DeployedFiles.read(lab, List.of("waves-04")).publicKeys().get("waves-04").equals(oldKey)) {
            assertThat(Instant.now()).as("the canary waves-04 got its new key").isBefore(deadline);
            Thread.sleep(200);
        }

        Api.Response rolledBack = wgmesh.api().post("/api/v1/groups/" + GROUP + "/rollout/rollback");
        assertThat(rolledBack.status()).as("rollback answer %s", rolledBack.body()).isEqualTo(202);
        assertThat(rolledBack.body().path("revision").asLong()).isEqualTo(revision + 1);
        Instant asked = Instant.now();
        wgmesh.api().awaitConverged(GROUP, revision + 1, WAIT);
        System.out.printf("[lab] key rotation of waves-04 rolled back by the operator: converged %.1f s after the call%n",
                Duration.between(asked, Instant.now()).toMillis() / 1000.0);

        assertThat(DeployedFiles.read(lab, HOSTS).publicKeys().get("waves-04")).isEqualTo(oldKey);
        for (String host : HOSTS) {
            if (!host.equals("waves-04")) {
                assertThat(lab.wgShow(host)).as("%s lists waves-04's old key", host)
                        .anyMatch(peer -> peer.publicKey().equals(oldKey.base64()));
            }
        }
        JsonNode rollout = wgmesh.api().status(GROUP).path("rollout");
        assertThat(rollout.path("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(rollout.path("reason").asText()).startsWith("rolled back by api");
        awaitEveryTunnelWorks();
    }

    /** Polls the status until the rollout of {@code revision} reaches {@code state}; {@code seen} gets each step. */
    private JsonNode awaitRollout(long revision, String state, List<String> seen) {
        Instant deadline = Instant.now().plus(WAIT);
        JsonNode rollout = null;
        while (Instant.now().isBefore(deadline)) {
            rollout = wgmesh.api().status(GROUP).path("rollout");
            if (rollout.path("revision").asLong() == revision) {
                String step = rollout.path("state").asText() + " " + rollout.path("wave").asInt() + "/"
                        + rollout.path("waves").asInt();
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(step)) {
                    seen.add(step);
                }
                if (rollout.path("state").asText().equals(state)) {
                    return rollout;
                }
            }
            sleep(250);
        }
        throw new AssertionError("the rollout of revision " + revision + " did not reach " + state + " in " + WAIT
                + ": " + seen + ", last " + rollout);
    }

    /** Every host pings every other's tunnel address (a handshake may need a few seconds after a change). */
    private void awaitEveryTunnelWorks() {
        DeployedFiles files = DeployedFiles.read(lab, HOSTS);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        for (String from : HOSTS) {
            for (String to : HOSTS) {
                if (from.equals(to)) {
                    continue;
                }
                String address = files.hosts().get(to).values().iterator().next().addresses().get(0).address()
                        .getHostAddress();
                while (!lab.ping(from, address)) {
                    assertThat(Instant.now()).as("%s reaches %s at %s", from, to, address).isBefore(deadline);
                }
            }
        }
    }

    /** The host's network lets no UDP to or from the port through: rules before the local table prohibit it. */
    private void closePort(String host, int port) {
        lab.exec(host, "ip", "rule", "add", "pref", "10", "ipproto", "udp", "dport", String.valueOf(port), "prohibit")
                .orThrow();
        lab.exec(host, "ip", "rule", "add", "pref", "11", "ipproto", "udp", "sport", String.valueOf(port), "prohibit")
                .orThrow();
        lab.exec(host, "ip", "rule", "add", "pref", "100", "lookup", "local").orThrow();
        lab.exec(host, "ip", "rule", "del", "pref", "0").orThrow();
    }

    private void openPort(String host, int port) {
        lab.exec(host, "ip", "rule", "add", "pref", "0", "lookup", "local").orThrow();
        lab.exec(host, "ip", "rule", "del", "pref", "100").orThrow();
        lab.exec(host, "ip", "rule", "del", "pref", "11").orThrow();
        lab.exec(host, "ip", "rule", "del", "pref", "10").orThrow();
    }

    /** The mesh with each host's current port, rolled out in waves of one host with a 20 s gate. */
    private String group() {
        ObjectNode group = EventJson.mapper().createObjectNode();
        group.put("topology", "mesh");
        group.put("tunnelNetwork", "10.95.0.0/24");
        group.put("persistentKeepalive", 5);
        group.set("rollout", EventJson.mapper().readTree("""
                {"strategy": "waves", "canary": 1, "waveSize": 1, "gateSeconds": %d, "onFailure": "rollback"}"""
                .formatted(GATE_SECONDS)));
        ArrayNode hosts = group.putArray("hosts");
        for (String name : HOSTS) {
            hosts.addObject().put("name", name).put("endpoint", lab.underlayAddress(name) + ":" + ports.get(name));
        }
        return group.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
