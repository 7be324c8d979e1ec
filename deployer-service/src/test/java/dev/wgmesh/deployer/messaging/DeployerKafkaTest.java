package dev.wgmesh.deployer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.deployer.TestGroup;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

@SpringBootTest(properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "wgmesh.replica=replica-a",
        "wgmesh.listener-concurrency=2",
        "wgmesh.warm-up-hosts=20"})
@ExtendWith(OutputCaptureExtension.class)
class DeployerKafkaTest {

    static final Path DIR = tempDir();
    static final Path OUT = DIR.resolve("out");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path key = TestGroup.writeDeployerKey(DIR);
        registry.add("wgmesh.out-dir", OUT::toString);
        registry.add("wgmesh.deployer-private-key-file", key::toString);
    }

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    MeterRegistry meters;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    TopicReader reader;

    @BeforeEach
    void openReader() {
        reader = new TopicReader(brokers);
    }

    @AfterEach
    void closeReader() {
        reader.close();
    }

    @AfterAll
    static void deleteFiles() throws IOException {
        // the deployer key and the written configs are secrets: leave none behind in /tmp
        try (Stream<Path> paths = Files.walk(DIR)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    void appliesEveryHostThenRemovesTheOneThatLeft() throws Exception {
        TestGroup group = new TestGroup("alpha", 3);
        Map<HostName, HostConfigRendered> records = group.render(1);
        for (HostConfigRendered record : records.values()) {
            send(record);
        }

        List<DeploymentReported> applied = reader.awaitReports(reports -> reports.stream()
                .filter(r -> r.group().equals(group.group) && r.outcome() == Outcome.APPLIED).count() == 3)
                .stream().filter(r -> r.group().equals(group.group)).toList();

        assertThat(applied).allSatisfy(report -> {
            assertThat(report.revision()).isEqualTo(1);
            assertThat(report.replica()).isEqualTo("replica-a");
            assertThat(report.contentHash()).isEqualTo(records.get(report.host()).contentHash());
            assertThat(report.correlationId()).isEqualTo(records.get(report.host()).correlationId());
        });
        assertThat(OUT.resolve("alpha/h1/wg-1.conf")).exists();
        assertThat(OUT.resolve("alpha/h3/wg-2.conf")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(OUT.resolve("alpha/h2/wg-2.conf"))))
                .isEqualTo("rw-------");

        HostConfigRendered leaving = group.render(2).get(group.host(3));
        kafka.send(CloudEvents.tombstone(Topics.HOST_CONFIG_RENDERED, "alpha/h3", leaving, TestTrust.signer(Signer.RENDERER))).get();

        DeploymentReported removed = reader.awaitReports(reports -> reports.stream()
                .anyMatch(r -> r.outcome() == Outcome.REMOVED && r.group().equals(group.group) && r.host().equals(group.host(3))))
                .stream().filter(r -> r.outcome() == Outcome.REMOVED && r.group().equals(group.group)).findFirst().orElseThrow();
        assertThat(removed.revision()).isEqualTo(2);
        assertThat(removed.correlationId()).isEqualTo(leaving.correlationId());
        assertThat(OUT.resolve("alpha/h3")).doesNotExist();
        assertThat(OUT.resolve("alpha/h1/wg-1.conf")).exists();
    }

    @Test
    void theWarmUpAtStartLeavesNothingOnTheBusInTheFilesOrInTheMeters(CapturedOutput output) throws Exception {
        TestGroup group = new TestGroup("delta", 2);
        for (HostConfigRendered record : group.render(1).values()) {
            send(record);
        }
        reader.awaitHealth(health -> health.stream().filter(h -> h.group().equals(group.group)).count() == 2);

        assertThat(output).contains("warmed up in").contains("200 applies and 200 looks at a made-up mesh of 20 hosts");
        assertThat(reader.reports()).isNotEmpty().noneMatch(report -> report.group().value().equals("wgmesh-warm-up"));
        assertThat(reader.health()).isNotEmpty().noneMatch(health -> health.group().value().equals("wgmesh-warm-up"));
        assertThat(OUT.resolve("wgmesh-warm-up")).doesNotExist();
        assertThat(OUT.resolve(".wgmesh-state")).isNotEmptyDirectory();
        try (Stream<Path> state = Files.walk(OUT.resolve(".wgmesh-state"))) {
            assertThat(state).noneMatch(path -> path.toString().contains("wgmesh-warm-up"));
        }
        assertThat(meters.getMeters()).noneMatch(meter -> "wgmesh-warm-up".equals(meter.getId().getTag("group")));
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAreCountedAndTheNextIsApplied() throws Exception {
        TestGroup group = new TestGroup("beta", 2);
        Map<HostName, HostConfigRendered> records = group.render(1);
        String valid = new String(EventJson.write(records.get(group.host(2))), StandardCharsets.UTF_8);
        assertThat(valid).contains("\"10.1.0.0/16\"");
        Map<String, String> poison = Map.of(
                "beta/unsigned", valid,
                "beta/not-json", "this is not json",
                "beta/wrong-shape", "{\"group\":\"beta\"}",
                "beta/wrong-key", valid,
                "beta/host-bits", valid.replace("\"10.1.0.0/16\"", "\"10.1.0.1/16\""));
        for (var entry : poison.entrySet()) {
            byte[] value = entry.getValue().getBytes(StandardCharsets.UTF_8);
            kafka.send(entry.getKey().equals("beta/unsigned")
                    ? new ProducerRecord<>(Topics.HOST_CONFIG_RENDERED, entry.getKey(), value)
                    // the others signed by the renderer's key: poison that passes the signature check
                    : TestTrust.signed(Signer.RENDERER, Topics.HOST_CONFIG_RENDERED, entry.getKey(), value, 1)).get();
        }
        // a tombstone whose key names no possible group; a group the deployer never saw is no poison
        // here: its first record is simply applied
        kafka.send(CloudEvents.tombstone(Topics.HOST_CONFIG_RENDERED, "No Such Group/h1", records.get(group.host(1)),
                TestTrust.signer(Signer.RENDERER))).get();
        send(records.get(group.host(1)));

        Map<String, String> reasons = new HashMap<>();
        for (String key : List.of("beta/unsigned", "beta/not-json", "beta/wrong-shape", "beta/wrong-key", "beta/host-bits", "No Such Group/h1")) {
            reasons.put(key, CloudEvents.header(reader.awaitDeadLetter(key).headers(), KafkaHeaders.DLT_EXCEPTION_MESSAGE));
        }
        assertThat(new String(reader.awaitDeadLetter("beta/not-json").value(), StandardCharsets.UTF_8))
                .isEqualTo("this is not json");
        assertThat(reasons.get("beta/unsigned")).startsWith("unsigned");
        assertThat(reasons.get("beta/not-json")).contains("not a valid HostConfigRendered");
        assertThat(reasons.get("beta/wrong-shape")).contains("not a valid HostConfigRendered");
        assertThat(reasons.get("beta/wrong-key")).contains("record key \"beta/wrong-key\" is not the event's \"beta/h2\"");
        assertThat(reasons.get("beta/host-bits")).contains("10.1.0.1/16");
        assertThat(reasons.get("No Such Group/h1")).contains("No Such Group");
        reader.awaitReports(reports -> reports.stream().anyMatch(r -> r.group().equals(group.group)
                && r.host().equals(group.host(1)) && r.outcome() == Outcome.APPLIED));
        assertThat(OUT.resolve("beta/h1/wg-1.conf")).exists();
        assertThat(meters.counter("wgmesh.dead.letters", "topic", Topics.HOST_CONFIG_RENDERED).count())
                .isEqualTo(poison.size() + 1);
    }

    @Test
    void meshHostsSentBeforeTheirPeerTableAreAppliedOnceItArrives() throws Exception {
        TestGroup mesh = TestGroup.mesh("delta", 3);
        Map<HostName, HostConfigRendered> records = mesh.renderNamingPeerTable(1);
        for (HostConfigRendered record : records.values()) {
            send(record);
        }
        Thread.sleep(500);
        kafka.send(CloudEvents.record(Topics.MESH_PEERS_RENDERED, mesh.peerTable(1), TestTrust.signer(Signer.RENDERER))).get();

        reader.awaitReports(reports -> records.keySet().stream().allMatch(host -> reports.stream().anyMatch(r ->
                r.group().equals(mesh.group) && r.host().equals(host) && r.outcome() == Outcome.APPLIED)));
        String h1 = Files.readString(OUT.resolve("delta/h1/wg0.conf"));
        assertThat(h1).contains("PublicKey = " + mesh.hostKeys().get(mesh.host(2)).publicKey().base64())
                .contains("PublicKey = " + mesh.hostKeys().get(mesh.host(3)).publicKey().base64());
    }

    /**
     * The attack of issue 13: the group's real peer table with one more peer, the attacker's, under the
     * hash the hosts' records name, written to the topic ahead of the real table; signed with the renderer's
     * key, so only the recomputed hash stands in the way.
     */
    @Test
    void aPeerTableWhoseHashIsNotItsContentIsRefusedAndNeverReachesAFile(CapturedOutput output) throws Exception {
        TestGroup mesh = TestGroup.mesh("epsilon", 3);
        MeshPeersRendered table = mesh.peerTable(1);
        ObjectNode forged = (ObjectNode) EventJson.tree(EventJson.write(table));
        ArrayNode peers = (ArrayNode) forged.get("peers");
        String attacker = X25519Keys.generate(new SecureRandom()).publicKey().base64();
        peers.add(((ObjectNode) peers.get(0).deepCopy()).put("host", "intruder").put("publicKey", attacker));
        kafka.send(TestTrust.signed(Signer.RENDERER, Topics.MESH_PEERS_RENDERED, "epsilon", EventJson.write(forged), 1))
                .get();
        String refused = "is not the hash of the table's 4 peers"; // the log cuts the hashes out, as key-like text
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!output.getAll().contains(refused) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(output.getAll()).contains(refused);

        Map<HostName, HostConfigRendered> records = mesh.renderNamingPeerTable(1);
        for (HostConfigRendered record : records.values()) {
            send(record);
        }
        kafka.send(CloudEvents.record(Topics.MESH_PEERS_RENDERED, table, TestTrust.signer(Signer.RENDERER))).get();

        reader.awaitReports(reports -> records.keySet().stream().allMatch(host -> reports.stream().anyMatch(r ->
                r.group().equals(mesh.group) && r.host().equals(host) && r.outcome() == Outcome.APPLIED)));
        for (HostName host : records.keySet()) {
            String conf = Files.readString(OUT.resolve("epsilon/" + host + "/wg0.conf"));
            assertThat(conf).doesNotContain(attacker).doesNotContain("intruder");
            assertThat(conf.lines().filter(l -> l.equals("[Peer]"))).hasSize(2);
        }
    }

    @Test
    void aPoisonRecordAmongOthersOfOnePollStopsOnlyItself() throws Exception {
        TestGroup group = new TestGroup("gamma", 3);
        Map<HostName, HostConfigRendered> records = group.render(1);
        // sent without waiting in between, so the deployer mostly gets them in one poll; the poison shares
        // its key with a valid record after it, which must still be applied
        kafka.send(record(records.get(group.host(1))));
        kafka.send(TestTrust.signed(Signer.RENDERER, Topics.HOST_CONFIG_RENDERED, "gamma/h2",
                "not json".getBytes(StandardCharsets.UTF_8), 1));
        kafka.send(record(records.get(group.host(3))));
        kafka.send(record(records.get(group.host(2)))).get();

        assertThat(reader.awaitDeadLetter("gamma/h2").value()).asString(StandardCharsets.UTF_8).isEqualTo("not json");
        reader.awaitReports(reports -> records.keySet().stream().allMatch(host -> reports.stream().anyMatch(r ->
                r.group().equals(group.group) && r.host().equals(host) && r.outcome() == Outcome.APPLIED)));
        for (HostName host : records.keySet()) {
            assertThat(OUT.resolve("gamma/" + host + "/wg-1.conf")).exists();
        }
    }

    private static ProducerRecord<String, byte[]> record(HostConfigRendered record) {
        return CloudEvents.record(Topics.HOST_CONFIG_RENDERED, record, TestTrust.signer(Signer.RENDERER));
    }

    private void send(HostConfigRendered record) throws Exception {
        kafka.send(record(record)).get();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("wgmesh-deployer-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
