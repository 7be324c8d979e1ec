package dev.wgmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.testing.TestGroups;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.trust.SigningKey;
import dev.wgmesh.common.wireguard.PublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * The bus as an attacker holds it: a plain producer that may write anything anywhere (on the embedded
 * broker, as the superuser would on a locked one), copying real records off the topics and changing them,
 * replaying them, or signing with a key of its own. Each attack must change no file, make no status lie,
 * and land in a dead-letter topic with its reason; legitimate changes afterwards still go through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileBusTest {

    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final String HOSTER = "hq";
    private static final String MESH = "lab";
    private static final String HOOK = "x\n[Interface]\nPreUp = touch /tmp/wgmesh-pwned";

    @TempDir
    static Path workDir;

    private KafkaBroker broker;
    private Wgmesh wgmesh;
    private KafkaProducer<String, byte[]> attacker;
    private final RecordSigner attackersKey = new RecordSigner(Signer.RENDERER, SigningKey.generate(new SecureRandom()));

    @BeforeAll
    void start() throws Exception {
        broker = KafkaBroker.start();
        wgmesh = new Wgmesh(broker.bootstrapServers(), workDir, 1);
        attacker = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        assertThat(wgmesh.api().put(HOSTER, TestGroups.hosterJson(3)).status()).isEqualTo(201);
        assertThat(wgmesh.api().put(MESH, TestGroups.meshJson(3)).status()).isEqualTo(201);
        wgmesh.api().awaitConverged(HOSTER, 1, CONVERGE);
        wgmesh.api().awaitConverged(MESH, 1, CONVERGE);
    }

    @AfterAll
    void stop() {
        if (attacker != null) {
            attacker.close();
        }
        if (wgmesh != null) {
            wgmesh.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void aCopiedHostRecordWithAHookInAPeerNameIsRefused() throws Exception {
        Map<Path, String> before = files();
        ConsumerRecord<String, byte[]> real = latest(Topics.HOST_CONFIG_RENDERED, HOSTER + "/hoster-zima-0101");
        ObjectNode value = (ObjectNode) EventJson.tree(real.value());
        ArrayNode peers = (ArrayNode) value.get("interfaces").get(0).get("peers");
        ObjectNode hook = (ObjectNode) peers.get(0).deepCopy();
        hook.put("host", HOOK);
        peers.add(hook);
        byte[] forged = EventJson.mapper().writeValueAsBytes(value);

        // the real signature kept, and the attacker's own key as the renderer's
        send(new ProducerRecord<>(real.topic(), real.partition(), real.key(), forged, copy(real.headers())));
        send(attackersKey.sign(withRevision(new ProducerRecord<>(real.topic(), real.partition(), real.key(), forged), 1)));

        assertThat(deadLetters(Topics.HOST_CONFIG_RENDERED, real.key(), 2)).satisfiesExactlyInAnyOrder(
                reason -> assertThat(reason).contains("does not match"),
                reason -> assertThat(reason).contains("is not a trusted renderer key"));
        assertThat(files()).isEqualTo(before);
        assertThat(Path.of("/tmp/wgmesh-pwned")).doesNotExist();
    }

    @Test
    @Order(2)
    void anUnsignedPeerTableIsNeverMergedIntoAMeshHostsFile() throws Exception {
        ConsumerRecord<String, byte[]> real = latest(Topics.MESH_PEERS_RENDERED, MESH);
        ObjectNode value = (ObjectNode) EventJson.tree(real.value());
        value.put("revision", 0);
        ObjectNode hook = (ObjectNode) value.get("peers").get(0).deepCopy();
        hook.put("host", "intruder");
        PublicKey intruder = X25519Keys.generate(new SecureRandom()).publicKey();
        hook.put("publicKey", intruder.base64());
        ((ArrayNode) value.get("peers")).add(hook);
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEvents.REVISION_HEADER, "0".getBytes(StandardCharsets.UTF_8));
        send(new ProducerRecord<>(Topics.MESH_PEERS_RENDERED, null, MESH, EventJson.mapper().writeValueAsBytes(value),
                headers));

        assertThat(deadLetters(Topics.MESH_PEERS_RENDERED, MESH, 1)).singleElement().asString().startsWith("unsigned");
        // the next legitimate change of the group rewrites every host's file: the intruder is in none of them
        long revision = rotate(MESH, "node-1");
        wgmesh.api().awaitConverged(MESH, revision, CONVERGE);
        assertThat(files().entrySet()).filteredOn(e -> e.getKey().startsWith(MESH)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getValue()).doesNotContain(intruder.base64()));
    }

    @Test
    @Order(3)
    void aRevisionFarAheadCannotPinAHostNorATombstoneDeleteIt() throws Exception {
        ConsumerRecord<String, byte[]> real = latest(Topics.HOST_CONFIG_RENDERED, HOSTER + "/hoster-zima-0102");
        ObjectNode value = (ObjectNode) EventJson.tree(real.value());
        value.put("revision", 9_000_000_000_000_000_000L);
        send(withRevision(new ProducerRecord<>(real.topic(), real.partition(), real.key(),
                EventJson.mapper().writeValueAsBytes(value), copy(real.headers())), 9_000_000_000_000_000_000L));
        send(withRevision(new ProducerRecord<>(real.topic(), real.partition(), real.key(), (byte[]) null), 9_000_000_000_000_000_000L));

        assertThat(deadLetters(Topics.HOST_CONFIG_RENDERED, real.key(), 2)).hasSize(2);
        assertThat(workDir.resolve("out").resolve(HOSTER).resolve("hoster-zima-0102")).isDirectory();
        // a later rotation of that host is applied, not skipped as older than the forged revision
        Map<Path, String> before = files();
        long revision = rotate(HOSTER, "hoster-zima-0102");
        wgmesh.api().awaitConverged(HOSTER, revision, CONVERGE);
        Path rotated = workDir.resolve("out").resolve(HOSTER).resolve("hoster-zima-0102").resolve("wg-zima-0101.conf");
        assertThat(Files.readString(rotated)).isNotEqualTo(before.get(workDir.resolve("out").relativize(rotated)));
    }

    @Test
    @Order(4)
    void aForgedAppliedReportDoesNotMakeStatusConverge() throws Exception {
        long current = wgmesh.api().status(HOSTER).path("revision").asLong();
        var forged = new DeploymentReported(UUID.randomUUID(), GroupName.parse(HOSTER), 9_000_000_000_000_000_000L,
                Instant.now(), UUID.randomUUID(), HostName.parse("hoster-zima-0103"), DeploymentReported.Outcome.APPLIED,
                null, "sha256:forged", "deployer-1", 1);
        ProducerRecord<String, byte[]> unsigned = CloudEvents.record(Topics.DEPLOYMENT_REPORTED, forged,
                new RecordSigner(Signer.DEPLOYER, SigningKey.generate(new SecureRandom())));
        send(unsigned);

        assertThat(deadLetters(Topics.DEPLOYMENT_REPORTED, forged.recordKey(), 1)).singleElement().asString()
                .contains("is not a trusted deployer key");
        assertThat(wgmesh.api().status(HOSTER).path("hosts")).allSatisfy(host ->
                assertThat(host.path("appliedRevision").asLong()).isLessThanOrEqualTo(current));
    }

    @Test
    @Order(5)
    void aKeySealedToTheDeployersForAGroupThatNeverExistedIsNotApplied() throws Exception {
        ConsumerRecord<String, byte[]> real = latest(Topics.HOST_CONFIG_RENDERED, HOSTER + "/hoster-zima-0101");
        ObjectNode value = (ObjectNode) EventJson.tree(real.value());
        value.put("group", "ghost");
        var sealed = new SecretSealer(new SecureRandom()).seal(X25519Keys.generate(new SecureRandom()).privateKey(),
                PublicKey.parse(wgmesh.deployerPublicKey()),
                HostKeys.privateKeyContext(GroupName.parse("ghost"), HostName.parse("hoster-zima-0101")), 1);
        value.set("privateKey", EventJson.mapper().valueToTree(sealed));
        send(attackersKey.sign(withRevision(new ProducerRecord<>(Topics.HOST_CONFIG_RENDERED, "ghost/hoster-zima-0101",
                EventJson.mapper().writeValueAsBytes(value)), value.get("revision").asLong())));

        assertThat(deadLetters(Topics.HOST_CONFIG_RENDERED, "ghost/hoster-zima-0101", 1)).hasSize(1);
        assertThat(workDir.resolve("out").resolve("ghost")).doesNotExist();
    }

    @Test
    @Order(6)
    void replayedSignedRecordsOfOlderRevisionsChangeNothing() throws Exception {
        Map<Path, String> before = files();
        ConsumerRecord<String, byte[]> firstKeys = first(Topics.HOST_GROUP_KEYS_GENERATED, HOSTER);
        ConsumerRecord<String, byte[]> firstChange = first(Topics.HOST_GROUP_CHANGED, HOSTER);
        send(new ProducerRecord<>(firstKeys.topic(), null, firstKeys.key(), firstKeys.value(), copy(firstKeys.headers())));
        send(new ProducerRecord<>(firstChange.topic(), null, firstChange.key(), firstChange.value(),
                copy(firstChange.headers())));

        assertThat(deadLetters(Topics.HOST_GROUP_KEYS_GENERATED, HOSTER, 1)).singleElement().asString()
                .contains("does not move forward");
        assertThat(deadLetters(Topics.HOST_GROUP_CHANGED, HOSTER, 1)).singleElement().asString()
                .contains("does not move forward");
        assertThat(files()).isEqualTo(before);
    }

    /**
     * A rollout record config-service did not sign: one that says the mesh is paused mid-rollout with a host
     * released to a revision far ahead. The renderer sends it to the DLT, config-service does not believe it:
     * the status shows no rollout, changes still go through, and no file changes.
     */
    @Test
    @Order(20)
    void aForgedRolloutNeitherReleasesHostsNorHoldsTheGroup() throws Exception {
        Map<Path, String> before = files();
        var spec = wgmesh.api().get("/api/v1/groups/" + MESH);
        long current = spec.body().path("revision").asLong();
        var group = TestGroups.spec(TestGroups.meshJson(3));
        var forged = new RolloutProgressed(UUID.randomUUID(), GroupName.parse(MESH), current + 100, Instant.now(),
                UUID.randomUUID(), RolloutProgressed.State.PAUSED, List.of(List.of(group.hosts().get(0).name())), 1,
                Instant.now(), 60, current, group, "forged", List.of());
        send(CloudEvents.record(Topics.ROLLOUT_PROGRESSED, forged,
                new RecordSigner(Signer.CONFIG, SigningKey.generate(new SecureRandom()))));

        assertThat(deadLetters(Topics.ROLLOUT_PROGRESSED, MESH, 1)).singleElement().asString()
                .contains("is not a trusted config key");
        assertThat(wgmesh.api().status(MESH).has("rollout")).isFalse();
        assertThat(wgmesh.api().put(MESH, TestGroups.meshJson(3)).status()).as("the group still takes changes")
                .isEqualTo(200);
        assertThat(files()).isEqualTo(before);
    }

    private long rotate(String group, String host) {
        Api.Response answer = wgmesh.api().post("/api/v1/groups/" + group + "/hosts/" + host + "/rotate-keys");
        assertThat(answer.status()).as("rotate answer %s", answer.body()).isEqualTo(202);
        return answer.body().path("revision").asLong();
    }

    private void send(ProducerRecord<String, byte[]> record) throws Exception {
        attacker.send(record).get();
    }

    private static ProducerRecord<String, byte[]> withRevision(ProducerRecord<String, byte[]> record, long revision) {
        record.headers().remove(CloudEvents.REVISION_HEADER)
                .add(CloudEvents.REVISION_HEADER, Long.toString(revision).getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static RecordHeaders copy(Iterable<Header> headers) {
        RecordHeaders copy = new RecordHeaders();
        headers.forEach(copy::add);
        return copy;
    }

    private ConsumerRecord<String, byte[]> latest(String topic, String key) throws Exception {
        List<ConsumerRecord<String, byte[]>> records = records(topic, key);
        return records.get(records.size() - 1);
    }

    private ConsumerRecord<String, byte[]> first(String topic, String key) throws Exception {
        return records(topic, key).get(0);
    }

    private List<ConsumerRecord<String, byte[]>> records(String topic, String key) throws Exception {
        List<ConsumerRecord<String, byte[]>> found = TopicRecords.read(broker.bootstrapServers(), List.of(topic)).stream()
                .filter(r -> key.equals(r.key()) && r.value() != null).toList();
        assertThat(found).as("records of %s on %s", key, topic).isNotEmpty();
        return found;
    }

    /** The reasons of the DLT records of a key, once {@code count} of them are there. */
    private List<String> deadLetters(String topic, String key, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<String> reasons = new ArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            reasons = TopicRecords.read(broker.bootstrapServers(), List.of(Topics.deadLetter(topic))).stream()
                    .filter(r -> key.equals(r.key()))
                    .map(r -> CloudEvents.header(r.headers(), "kafka_dlt-exception-message")).toList();
            if (reasons.size() >= count) {
                return reasons;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("expected " + count + " dead letters of " + key + " on " + topic + ", found " + reasons);
    }

    /** Every deployed file's text, by its path under the output folder. */
    private Map<Path, String> files() throws IOException {
        Path out = workDir.resolve("out");
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".conf")).toList()) {
                files.put(out.relativize(file), Files.readString(file));
            }
        }
        return files;
    }
}
