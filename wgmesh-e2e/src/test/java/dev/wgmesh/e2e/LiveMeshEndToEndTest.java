package dev.wgmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedConfig;
import dev.wgmesh.e2e.lab.ContinuousPing;
import dev.wgmesh.e2e.lab.Lab;
import dev.wgmesh.e2e.lab.LabTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * The proof that wgmesh builds a working mesh: real WireGuard (wireguard-go) in lab hosts made of
 * network and mount namespaces, configs applied by two deployer replicas through the {@code command}
 * target and host/wgmesh-apply, and every pair of hosts pinging each other's tunnel addresses and
 * internal networks. Times from the API call to full connectivity are printed, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveMeshEndToEndTest {

    private static final String HOSTER = "seed";
    private static final String MESH = "mesh";
    private static final List<String> HOSTER_HOSTS = IntStream.rangeClosed(1, 7)
            .mapToObj(i -> String.format("hoster-node-%02d", i)).toList();
    private static final List<String> MESH_HOSTS = IntStream.rangeClosed(1, 8)
            .mapToObj(i -> String.format("mesh-%02d", i)).toList();
    private static final Duration CONVERGE = Duration.ofSeconds(120);
    private static final Duration CONNECT = Duration.ofSeconds(60);
    /** Long enough for a rotation to reach every host with pings going before and after it. */
    private static final Duration PING_WINDOW = Duration.ofSeconds(30);

    @TempDir
    static Path workDir;

    private Lab lab;
    private KafkaBroker broker;
    private Wgmesh wgmesh;
    private final Set<String> replicas = new HashSet<>();

    @BeforeAll
    void start() throws Exception {
        LabTools.assumeAvailable();
        // the example's hosts first, so host i gets underlay address 192.0.2.(10+i) as the example says
        lab = Lab.start(Stream.concat(HOSTER_HOSTS.stream(), MESH_HOSTS.stream()).toArray(String[]::new));
        broker = KafkaBroker.start();
        wgmesh = new Wgmesh(broker.bootstrapServers(), workDir, 2, Map.of(
                "wgmesh.target", "command",
                "wgmesh.command", lab.applyCommandScript().toString()));
    }

    @AfterAll
    void stop() {
        if (wgmesh != null) {
            wgmesh.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void theSeedsSixHostsReachEachOtherAndTheirInternalNetworks() throws Exception {
        ObjectNode group = (ObjectNode) EventJson.mapper().readTree(
                Files.readString(Path.of("..", "examples", "hoster-6-hosts.json")));
        for (JsonNode host : group.get("hosts")) {
            for (JsonNode subnet : host.path("wg").path("allowed_subnets")) {
                addInternalNetwork(host.get("hostname").stringValue(), subnet.stringValue());
            }
        }
        long started = System.nanoTime();
        long revision = put(HOSTER, group, 201);
        awaitConnected("hoster, 6 hosts, create", HOSTER, revision, HOSTER_HOSTS.subList(0, 6), started);
    }

    @Test
    @Order(2)
    void eightMeshHostsReachEachOtherAndTheirInternalNetworks() throws Exception {
        ObjectNode group = EventJson.mapper().createObjectNode();
        group.put("topology", "mesh");
        group.put("tunnelNetwork", "10.98.0.0/24");
        group.put("persistentKeepalive", 25);
        ArrayNode hosts = group.putArray("hosts");
        for (int i = 0; i < MESH_HOSTS.size(); i++) {
            String name = MESH_HOSTS.get(i);
            String internal = "10.30." + (i + 1) + ".0/24";
            ObjectNode host = hosts.addObject();
            host.put("name", name);
            host.put("endpoint", lab.underlayAddress(name) + ":51820");
            host.putArray("internalNetworks").add(internal);
            addInternalNetwork(name, internal);
        }
        long started = System.nanoTime();
        long revision = put(MESH, group, 201);
        awaitConnected("mesh, 8 hosts, create", MESH, revision, MESH_HOSTS, started);
    }

    @Test
    @Order(3)
    void rotatingOneHostKeepsEveryOtherTunnelUp() throws Exception {
        List<String> hosts = HOSTER_HOSTS.subList(0, 6);
        Map<String, Lab.WgPeer> before = sessions(hosts);
        PublicKey oldKey = DeployedFiles.read(lab, hosts).publicKeys().get("hoster-node-03");

        long started = System.nanoTime();
        Api.Response rotated = wgmesh.api().post("/api/v1/groups/" + HOSTER + "/hosts/hoster-node-03/rotate-keys");
        assertThat(rotated.status()).as("rotate answer %s", rotated.body()).isEqualTo(202);
        awaitConnected("hoster, rotate one host", HOSTER, rotated.body().path("revision").asLong(), hosts, started);

        assertThat(DeployedFiles.read(lab, hosts).publicKeys().get("hoster-node-03")).isNotEqualTo(oldKey);
        Map<String, Lab.WgPeer> after = sessions(hosts);
        before.forEach((pair, session) -> {
            // WireGuard makes handshakes of its own (two at once when both ends start, a new one every 2 min); a
            // tunnel that was made again instead counts its bytes from 0
            Lab.WgPeer now = after.get(pair);
            if (!pair.contains("hoster-node-03") && now.latestHandshake() != session.latestHandshake()) {
                assertThat(now.rxBytes()).as("bytes received over %s, a tunnel without the rotated host", pair)
                        .isGreaterThanOrEqualTo(session.rxBytes());
                assertThat(now.txBytes()).as("bytes sent over %s, a tunnel without the rotated host", pair)
                        .isGreaterThanOrEqualTo(session.txBytes());
            }
        });
    }

    @Test
    @Order(4)
    void addingAndRemovingHostsKeepsEveryPairConnected() throws Exception {
        ObjectNode group = (ObjectNode) wgmesh.api().get("/api/v1/groups/" + HOSTER).body();
        ObjectNode seventh = ((ArrayNode) group.get("hosts")).addObject();
        seventh.put("name", "hoster-node-07");
        seventh.put("endpoint", lab.underlayAddress("hoster-node-07") + ":51821");
        seventh.put("tunnelSegment", "198.19.7.10/24");
        seventh.put("interfaceSuffix", "node-07");
        seventh.putArray("internalNetworks").add("10.10.107.0/24");
        addInternalNetwork("hoster-node-07", "10.10.107.0/24");
        long started = System.nanoTime();
        long revision = put(HOSTER, group, 200);
        awaitConnected("hoster, add a 7th host", HOSTER, revision, HOSTER_HOSTS, started);

        PublicKey removedKey = DeployedFiles.read(lab, HOSTER_HOSTS).publicKeys().get("hoster-node-02");
        ArrayNode hosts = (ArrayNode) group.get("hosts");
        hosts.remove(1);
        List<String> remaining = HOSTER_HOSTS.stream().filter(h -> !h.equals("hoster-node-02")).toList();
        started = System.nanoTime();
        revision = put(HOSTER, group, 200);
        awaitConnected("hoster, remove host 2", HOSTER, revision, remaining, started);

        assertThat(lab.wgShow("hoster-node-02")).as("WireGuard peers left on the removed host").isEmpty();
        assertThat(lab.exec("hoster-node-02", "ls", "/etc/wireguard").orThrow().stdout()).isBlank();
        for (String host : remaining) {
            assertThat(lab.links(host)).doesNotContain("wg-node-02");
            assertThat(lab.wgShow(host)).noneMatch(peer -> peer.publicKey().equals(removedKey.base64()));
        }
    }

    /**
     * WireGuard uses a new preshared key only at the next handshake, and wgmesh-apply sets only that key on a
     * running interface, so every session goes on: a ping every 10 ms along every tunnel of the mesh through the
     * whole rotation loses nothing.
     */
    @Test
    @Order(5)
    void rotatingThePresharedKeysLosesNoPacket() throws Exception {
        SecretKey before = presharedKey("mesh-01", "mesh-02");
        Map<String, ContinuousPing.Loss> losses;
        double converged;
        try (ContinuousPing ping = new ContinuousPing(lab, meshLinks(MESH_HOSTS), PING_WINDOW)) {
            Thread.sleep(2_000);
            long started = System.nanoTime();
            Api.Response rotated = wgmesh.api().post("/api/v1/groups/" + MESH + "/rotate-preshared-keys");
            assertThat(rotated.status()).as("rotate answer %s", rotated.text()).isEqualTo(202);
            wgmesh.api().awaitConverged(MESH, rotated.body().path("revision").asLong(), CONVERGE);
            converged = (System.nanoTime() - started) / 1e9;
            losses = ping.await();
        }
        System.out.printf("[lab] mesh, rotate preshared keys: converged in %.1f s; %s%n", converged, losses);
        assertThat(converged).as("the rotation ends inside the ping window").isLessThan(PING_WINDOW.toSeconds() - 5);
        assertThat(presharedKey("mesh-01", "mesh-02")).isNotEqualTo(before);
        // a dropped session would cost hundreds of packets (see the next test)
        assertThat(losses).allSatisfy((link, loss) -> assertThat(loss.lost()).as("packets lost along %s", link).isZero());
    }

    /**
     * A new key pair drops that host's sessions: its links lose packets until both ends applied and shook hands
     * again (printed per link), every other link loses none.
     */
    @Test
    @Order(6)
    void rotatingOneHostsKeyLosesPacketsOnlyOnItsLinks() throws Exception {
        Map<String, ContinuousPing.Loss> losses;
        try (ContinuousPing ping = new ContinuousPing(lab, meshLinks(MESH_HOSTS), PING_WINDOW)) {
            Thread.sleep(2_000);
            Api.Response rotated = wgmesh.api().post("/api/v1/groups/" + MESH + "/hosts/mesh-03/rotate-keys");
            assertThat(rotated.status()).as("rotate answer %s", rotated.text()).isEqualTo(202);
            wgmesh.api().awaitConverged(MESH, rotated.body().path("revision").asLong(), CONVERGE);
            losses = ping.await();
        }
        losses.forEach((link, loss) -> System.out.printf("[lab] mesh, rotate mesh-03's key: %-20s lost %d of %d (%.0f ms)%n",
                link, loss.lost(), loss.transmitted(), loss.lost() * 10.0));
        assertThat(losses).allSatisfy((link, loss) -> {
            if (!link.contains("mesh-03")) {
                assertThat(loss.lost()).as("packets lost along %s, a link without the rotated host", link).isZero();
            }
        });
    }

    /** A revoked host reaches no peer any more; every other pair still reaches each other. */
    @Test
    @Order(7)
    void aRevokedHostReachesNoPeerAndEveryOtherPairStillDoes() throws Exception {
        DeployedFiles files = DeployedFiles.read(lab, MESH_HOSTS);
        PublicKey revokedKey = files.publicKeys().get("mesh-08");
        Map<String, String> addresses = new HashMap<>();
        MESH_HOSTS.forEach(host -> addresses.put(host, tunnelAddress(files, host)));

        long started = System.nanoTime();
        Api.Response revoked = wgmesh.api().post("/api/v1/groups/" + MESH + "/hosts/mesh-08/revoke");
        assertThat(revoked.status()).as("revoke answer %s", revoked.text()).isEqualTo(202);
        List<String> remaining = MESH_HOSTS.subList(0, 7);
        awaitConnected("mesh, revoke mesh-08", MESH, revoked.body().path("revision").asLong(), remaining, started);

        for (String host : remaining) {
            assertThat(lab.wgShow(host)).noneMatch(peer -> peer.publicKey().equals(revokedKey.base64()));
            assertThat(lab.ping("mesh-08", addresses.get(host))).as("mesh-08 reaches %s", host).isFalse();
        }
        assertThat(lab.wgShow("mesh-08")).as("WireGuard peers left on the revoked host").isEmpty();
    }

    @Test
    @Order(8)
    void twoDeployerReplicasSharedTheRollouts() {
        assertThat(replicas).containsExactlyInAnyOrder("deployer-1", "deployer-2");
    }

    private long put(String group, JsonNode body, int expectedStatus) {
        Api.Response response = wgmesh.api().put(group, body.toString());
        assertThat(response.status()).as("PUT answer %s", response.body()).isEqualTo(expectedStatus);
        return response.body().path("revision").asLong();
    }

    private void addInternalNetwork(String host, String cidr) {
        lab.addLoopbackAddress(host, firstAddress(Cidr.parse(cidr)) + "/" + Cidr.parse(cidr).prefix());
    }

    /** Waits for the rollout, then for every pair to answer pings; prints the time since the API call. */
    private void awaitConnected(String what, String group, long revision, List<String> hosts, long startedNanos)
            throws Exception {
        JsonNode status = wgmesh.api().awaitConverged(group, revision, CONVERGE);
        status.path("hosts").forEach(h -> replicas.add(h.path("replica").asString()));
        List<String> failures = unreachable(hosts);
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (!failures.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            failures = unreachable(hosts);
        }
        assertThat(failures).as("pings without an answer").isEmpty();
        System.out.printf("[lab] %-28s API call to full connectivity of %d hosts: %.1f s%n", what, hosts.size(),
                (System.nanoTime() - startedNanos) / 1e9);
        for (String host : hosts) {
            assertThat(lab.wgShow(host)).as("peers of %s", host)
                    .hasSize(hosts.size() - 1)
                    .allSatisfy(peer -> assertThat(peer.latestHandshake()).as("handshake of %s with %s", host,
                            peer.publicKey()).isPositive());
        }
    }

    /** Every (from, to, address) that gets no answer: the peer's tunnel address and its internal networks. */
    private List<String> unreachable(List<String> hosts) {
        DeployedFiles files = DeployedFiles.read(lab, hosts);
        Map<String, PublicKey> keys = files.publicKeys();
        List<String> failures = new ArrayList<>();
        for (String from : hosts) {
            for (String to : hosts) {
                if (from.equals(to)) {
                    continue;
                }
                for (String address : addressesOf(files, to, keys.get(from))) {
                    if (!lab.ping(from, address)) {
                        failures.add(from + " -> " + to + " " + address);
                    }
                }
            }
        }
        return failures;
    }

    /** {@code to}'s address in the tunnel it shares with the host of {@code fromKey}, and its internal networks. */
    private static List<String> addressesOf(DeployedFiles files, String to, PublicKey fromKey) {
        List<String> addresses = new ArrayList<>();
        for (ParsedConfig config : files.hosts().get(to).values()) {
            config.peers().stream().filter(p -> p.publicKey().equals(fromKey)).findFirst().ifPresent(peer ->
                    addresses.add(config.addresses().get(0).address().getHostAddress()));
        }
        for (ParsedConfig config : files.hosts().values().stream().flatMap(i -> i.values().stream()).toList()) {
            config.peers().stream().filter(p -> p.publicKey().equals(files.publicKeys().get(to))).findFirst()
                    .ifPresent(peer -> peer.allowedIps().stream().skip(1)
                            .forEach(cidr -> addresses.add(firstAddress(cidr))));
        }
        return addresses.stream().distinct().toList();
    }

    /** host -> peer key -> latest handshake, as "host/peerKey". */
    /** Each tunnel's session as {@code wg show} tells it, by "host<->peer". */
    private Map<String, Lab.WgPeer> sessions(List<String> hosts) {
        Map<String, PublicKey> keys = DeployedFiles.read(lab, hosts).publicKeys();
        Map<String, Lab.WgPeer> sessions = new HashMap<>();
        for (String host : hosts) {
            for (Lab.WgPeer peer : lab.wgShow(host)) {
                String peerHost = keys.entrySet().stream().filter(e -> e.getValue().base64().equals(peer.publicKey()))
                        .map(Map.Entry::getKey).findFirst().orElse("?");
                sessions.put(host + "<->" + peerHost, peer);
            }
        }
        return sessions;
    }

    /** Every pair of hosts once, by name: the first pings the second's tunnel address. */
    private Map<String, String[]> meshLinks(List<String> hosts) {
        DeployedFiles files = DeployedFiles.read(lab, hosts);
        Map<String, String[]> links = new LinkedHashMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            for (int j = i + 1; j < hosts.size(); j++) {
                links.put(hosts.get(i) + " -> " + hosts.get(j),
                        new String[] {hosts.get(i), tunnelAddress(files, hosts.get(j))});
            }
        }
        return links;
    }

    /** A mesh host's address in the tunnel network: its one interface's. */
    private static String tunnelAddress(DeployedFiles files, String host) {
        return files.hosts().get(host).values().iterator().next().addresses().get(0).address().getHostAddress();
    }

    /** The preshared key {@code host} uses with {@code peer}, from its deployed file. */
    private SecretKey presharedKey(String host, String peer) {
        DeployedFiles files = DeployedFiles.read(lab, List.of(host, peer));
        PublicKey peerKey = files.publicKeys().get(peer);
        return files.hosts().get(host).values().iterator().next().peers().stream()
                .filter(p -> p.publicKey().equals(peerKey)).findFirst().orElseThrow().presharedKey();
    }

    private static String firstAddress(Cidr cidr) {
        return new InterfaceAddress(cidr.network(), cidr.prefix()).plus(1).address().getHostAddress();
    }
}
