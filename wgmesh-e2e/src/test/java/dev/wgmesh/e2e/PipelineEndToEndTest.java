package dev.wgmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedConfig;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole pipeline through a real broker, as an operator uses it: one scenario in ordered steps,
 * each building on the state the one before left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {

    private static final String GROUP = "seed";
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    @TempDir
    static Path workDir;

    private KafkaBroker broker;
    private Wgmesh wgmesh;
    private long revision;

    @BeforeAll
    void start() throws Exception {
        broker = KafkaBroker.start();
        wgmesh = new Wgmesh(broker.bootstrapServers(), workDir, 2);
    }

    @AfterAll
    void stop() {
        if (wgmesh != null) {
            wgmesh.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void sixHostGroupLandsOnDiskAsTheSeedDrawsIt() throws Exception {
        String example = Files.readString(Path.of("..", "examples", "hoster-6-hosts.json"));
        Api.Response created = wgmesh.api().put(GROUP, example);
        assertThat(created.status()).as("PUT answer %s", created.body()).isEqualTo(201);
        revision = created.body().path("revision").asLong();

        wgmesh.api().awaitConverged(GROUP, revision, CONVERGE);

        DeployedFiles files = files();
        assertThat(files.hosts()).hasSize(6);
        assertThat(files.hosts().values().stream().map(Map::size).toList()).containsExactly(1, 2, 3, 4, 5, 5);
        assertEveryPeerListsTheRightKey(files);
        assertEveryPairSharesOneTunnel(files);
        for (Path conf : confFiles()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf))).isEqualTo("rw-------");
        }
    }

    @Test
    @Order(2)
    void addingAHostAndChangingNetworksKeepsEveryOtherKey() throws Exception {
        DeployedFiles before = files();
        ObjectNode group = (ObjectNode) wgmesh.api().get("/api/v1/groups/" + GROUP).body();
        ArrayNode hosts = (ArrayNode) group.get("hosts");
        ObjectNode second = (ObjectNode) hosts.get(1);
        second.putArray("internalNetworks").add("10.20.0.0/24").add("10.20.1.0/24");
        ObjectNode seventh = hosts.addObject();
        seventh.put("name", "hoster-node-07");
        seventh.put("endpoint", "192.0.2.17:51821");
        seventh.put("tunnelSegment", "198.19.7.10/24");
        seventh.put("interfaceSuffix", "node-07");
        seventh.putArray("internalNetworks").add("10.10.107.0/24");

        Api.Response changed = wgmesh.api().put(GROUP, group.toString());
        assertThat(changed.status()).as("PUT answer %s", changed.body()).isEqualTo(200);
        revision = changed.body().path("revision").asLong();
        wgmesh.api().awaitConverged(GROUP, revision, CONVERGE);

        DeployedFiles after = files();
        assertThat(after.hosts()).hasSize(7);
        assertThat(after.publicKeys()).containsAllEntriesOf(before.publicKeys());
        assertEveryPeerListsTheRightKey(after);
        assertEveryPairSharesOneTunnel(after);
        ParsedPeer secondSeenByFirst = after.hosts().get("hoster-node-01").values().iterator().next().peers().stream()
                .filter(p -> p.publicKey().equals(after.publicKeys().get("hoster-node-02"))).findFirst().orElseThrow();
        assertThat(secondSeenByFirst.allowedIps()).extracting(Object::toString).contains("10.20.0.0/24", "10.20.1.0/24");
    }

    @Test
    @Order(3)
    void rotatingOneHostChangesOnlyItsKey() throws Exception {
        DeployedFiles before = files();
        Api.Response rotated = wgmesh.api().post("/api/v1/groups/" + GROUP + "/hosts/hoster-node-03/rotate-keys");
        assertThat(rotated.status()).as("rotate answer %s", rotated.body()).isEqualTo(202);
        revision = rotated.body().path("revision").asLong();
        wgmesh.api().awaitConverged(GROUP, revision, CONVERGE);

        DeployedFiles after = files();
        Map<String, PublicKey> keysBefore = new HashMap<>(before.publicKeys());
        Map<String, PublicKey> keysAfter = new HashMap<>(after.publicKeys());
        assertThat(keysAfter.remove("hoster-node-03")).isNotEqualTo(keysBefore.remove("hoster-node-03"));
        assertThat(keysAfter).isEqualTo(keysBefore);
        assertEveryPeerListsTheRightKey(after);
        // the preshared keys of pairs without host 3 stay; those with host 3 are new
        Set<String> pairsOfThree = presharedKeys(after, "hoster-node-03");
        assertThat(pairsOfThree).doesNotContainAnyElementsOf(presharedKeys(before, "hoster-node-03"));
        assertThat(presharedKeys(after, "hoster-node-01")).containsAll(
                presharedKeys(before, "hoster-node-01").stream().filter(k -> !presharedKeys(before, "hoster-node-03").contains(k)).toList());
    }

    @Test
    @Order(4)
    void noDeployedSecretIsOnAnyTopic() throws Exception {
        Set<String> secrets = files().secrets().collect(Collectors.toSet());
        assertThat(secrets).hasSizeGreaterThan(10);
        List<ConsumerRecord<String, byte[]>> records = TopicRecords.all(broker.bootstrapServers());
        assertThat(records.stream().map(ConsumerRecord::topic).collect(Collectors.toSet()))
                .contains(Topics.HOST_GROUP_CHANGED, Topics.HOST_GROUP_KEYS_GENERATED, Topics.HOST_CONFIG_RENDERED,
                        Topics.DEPLOYMENT_REPORTED);
        for (ConsumerRecord<String, byte[]> record : records) {
            StringBuilder text = new StringBuilder(record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8));
            for (Header header : record.headers()) {
                text.append(' ').append(new String(header.value(), StandardCharsets.UTF_8));
            }
            for (String secret : secrets) {
                String urlForm = Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getDecoder().decode(secret));
                assertThat(text.toString()).as("record on %s", record.topic()).doesNotContain(secret).doesNotContain(urlForm);
            }
        }
    }

    @Test
    @Order(5)
    void restartKeepsGroupsRevisionsAndKeys() throws Exception {
        DeployedFiles before = files();
        wgmesh.restart();

        JsonNode group = wgmesh.api().get("/api/v1/groups/" + GROUP).body();
        assertThat(group.path("revision").asLong()).isEqualTo(revision);
        wgmesh.api().awaitConverged(GROUP, revision, CONVERGE);

        Api.Response again = wgmesh.api().put(GROUP, group.toString());
        assertThat(again.body().path("revision").asLong()).isEqualTo(revision + 1);
        wgmesh.api().awaitConverged(GROUP, revision + 1, CONVERGE);
        assertThat(files().publicKeys()).isEqualTo(before.publicKeys());
        assertThat(files().secrets().collect(Collectors.toSet())).isEqualTo(before.secrets().collect(Collectors.toSet()));
    }

    private DeployedFiles files() {
        return DeployedFiles.read(wgmesh.outDir().resolve(GROUP));
    }

    private List<Path> confFiles() throws Exception {
        try (var walk = Files.walk(wgmesh.outDir().resolve(GROUP))) {
            return walk.filter(p -> p.toString().endsWith(".conf")).toList();
        }
    }

    private static Set<String> presharedKeys(DeployedFiles files, String host) {
        return files.hosts().get(host).values().stream().flatMap(c -> c.peers().stream())
                .map(p -> p.presharedKey().base64()).collect(Collectors.toSet());
    }

    /** Every peer entry names a host of the group by its current public key. */
    private static void assertEveryPeerListsTheRightKey(DeployedFiles files) {
        Set<PublicKey> keys = Set.copyOf(files.publicKeys().values());
        assertThat(keys).hasSize(files.hosts().size());
        for (Map<String, ParsedConfig> interfaces : files.hosts().values()) {
            for (ParsedConfig config : interfaces.values()) {
                for (ParsedPeer peer : config.peers()) {
                    assertThat(keys).contains(peer.publicKey());
                }
            }
        }
    }

    /** Each pair of hosts appears exactly once as peers of each other, with the same preshared key. */
    private static void assertEveryPairSharesOneTunnel(DeployedFiles files) {
        Map<String, PublicKey> keys = files.publicKeys();
        for (String a : keys.keySet()) {
            for (String b : keys.keySet()) {
                if (a.equals(b)) {
                    continue;
                }
                List<ParsedPeer> aSeesB = files.hosts().get(a).values().stream().flatMap(c -> c.peers().stream())
                        .filter(p -> p.publicKey().equals(keys.get(b))).toList();
                List<ParsedPeer> bSeesA = files.hosts().get(b).values().stream().flatMap(c -> c.peers().stream())
                        .filter(p -> p.publicKey().equals(keys.get(a))).toList();
                assertThat(aSeesB).as("%s lists %s", a, b).hasSize(1);
                assertThat(bSeesA).as("%s lists %s", b, a).hasSize(1);
                assertThat(aSeesB.get(0).presharedKey()).isEqualTo(bSeesA.get(0).presharedKey());
            }
        }
    }
}
