package dev.wgmesh.renderer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.testing.SentRecords;
import dev.wgmesh.renderer.FixedKeyGroups;
import dev.wgmesh.renderer.RendererApplication;
import dev.wgmesh.renderer.domain.RenderPlan;
import dev.wgmesh.renderer.domain.RenderedHosts;
import dev.wgmesh.renderer.domain.StagedGroups;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

@SpringBootTest(classes = RendererApplication.class,
        properties = "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}")
class RendererFlowTest {

    private static final String GROUP = "hoster-6";
    private static final HostName NODE_03 = new HostName("hoster-node-03");

    @Autowired
    private KafkaTemplate<String, byte[]> kafka;
    @Autowired
    private RenderedHosts memory;
    @Autowired
    private ConsumerFactory<?, ?> consumerFactory;
    @Autowired
    private KafkaListenerEndpointRegistry registry;
    @Autowired
    private MeterRegistry meters;
    @Autowired
    private RecordVerifier verifier;
    @Autowired
    private DeadLetters deadLetters;
    @Autowired
    private TopicNames names;
    @Value("${spring.embedded.kafka.brokers}")
    private String brokers;

    private final List<KafkaConsumer<String, byte[]>> consumers = new ArrayList<>();
    private SentRecords sent;

    @BeforeEach
    void sentRecords() {
        sent = new SentRecords(brokers);
    }

    @AfterEach
    void close() {
        consumers.forEach(KafkaConsumer::close);
        sent.close();
    }

    @Test
    void publishesChangedHostsOnlyTombstonesHostsThatLeaveAndRemembersAcrossARestart() throws Exception {
        KafkaConsumer<String, byte[]> rendered = consumer(Topics.HOST_CONFIG_RENDERED);
        HostGroupSpec spec = FixedKeyGroups.spec(GROUP);

        HostGroupKeysGenerated first = FixedKeyGroups.keyed(GROUP, spec, 1);
        send(first);
        List<ConsumerRecord<String, byte[]>> records = poll(rendered, 6);
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(
                spec.hosts().stream().map(h -> GROUP + "/" + h.name()).toList());
        // slots 1 to 6 counted on from the group's partition: six of the twelve partitions, one host each
        Map<String, Integer> partitions = new HashMap<>();
        records.forEach(r -> partitions.put(r.key(), r.partition()));
        for (Host host : spec.hosts()) {
            assertThat(partitions.get(GROUP + "/" + host.name())).isEqualTo(Math.floorMod(GROUP.hashCode() + host.slot(), 12));
        }
        for (ConsumerRecord<String, byte[]> record : records) {
            HostConfigRendered event = EventJson.read(record.value(), HostConfigRendered.class);
            assertThat(record.key()).isEqualTo(HostConfigRendered.key(event.group(), event.host()));
            assertThat(event.revision()).isEqualTo(1);
            assertThat(event.correlationId()).isEqualTo(first.correlationId());
            assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
            assertThat(header(record, "ce_id")).isEqualTo(event.eventId().toString());
            assertThat(header(record, "ce_type")).isEqualTo(HostConfigRendered.TYPE);
            assertThat(header(record, "ce_source")).isEqualTo("/wgmesh/renderer-service");
            assertThat(header(record, "ce_time")).isNotBlank();
            assertThat(header(record, "content-type")).isEqualTo("application/json");
            String json = new String(record.value(), StandardCharsets.UTF_8);
            for (Host host : spec.hosts()) {
                assertThat(json).doesNotContain(FixedKeyGroups.hostKeys(first.group(), host.name()).privateKey().base64());
            }
        }

        // revision 2 changes nothing, revision 3 gives hoster-node-03 an internal network: every other host
        // routes it to hoster-node-03, so their files change; hoster-node-03's own files do not
        send(FixedKeyGroups.keyed(GROUP, spec, 2));
        HostGroupSpec withNetwork = spec.withHosts(spec.hosts().stream().map(h -> h.name().equals(NODE_03)
                ? new Host(h.name(), h.slot(), h.endpoint(), List.of(Cidr.parse("10.10.103.0/24")), h.tunnelSegment(),
                h.interfaceSuffix(), h.os()) : h).toList());
        send(FixedKeyGroups.keyed(GROUP, withNetwork, 3));
        records = poll(rendered, 5);
        assertThat(records).extracting(ConsumerRecord::key).doesNotContain(GROUP + "/" + NODE_03);
        assertThat(records).allSatisfy(r -> assertThat(EventJson.read(r.value(), HostConfigRendered.class).revision())
                .isEqualTo(3));

        // a replay of an old revision publishes nothing; hoster-node-03 leaves at revision 4
        send(first);
        HostGroupKeysGenerated fourth = FixedKeyGroups.keyed(GROUP, withNetwork.withHosts(
                withNetwork.hosts().stream().filter(h -> !h.name().equals(NODE_03)).toList()), 4);
        send(fourth);
        records = poll(rendered, 6);
        ConsumerRecord<String, byte[]> tombstone = records.stream().filter(r -> r.value() == null).findFirst().orElseThrow();
        assertThat(tombstone.key()).isEqualTo(GROUP + "/" + NODE_03);
        assertThat(tombstone.partition()).isEqualTo(partitions.get(GROUP + "/" + NODE_03));
        assertThat(header(tombstone, CloudEvents.REVISION_HEADER)).isEqualTo("4");
        assertThat(header(tombstone, CloudEvents.CORRELATION_HEADER)).isEqualTo(fourth.correlationId().toString());
        assertThat(records).filteredOn(r -> r.value() != null).hasSize(5).allSatisfy(r ->
                assertThat(EventJson.read(r.value(), HostConfigRendered.class).revision()).isEqualTo(4));

        // a restarted renderer reads the same memory back from its compacted topic
        RenderedHosts reloaded = new RenderedHosts();
        new RenderedTopicLoader(reloaded, new StagedGroups(), consumerFactory, verifier, deadLetters, names)
                .load(group -> true);
        assertThat(reloaded.hashes(first.group())).hasSize(5).isEqualTo(memory.hashes(first.group()));
        assertThat(reloaded.revision(first.group())).isEqualTo(4);
        // and where each host's records went: hoster-node-03, back in slot 7, goes where its tombstone went
        List<Host> back = new ArrayList<>(fourth.spec().hosts());
        back.add(withNetwork.hosts().get(2).withSlot(7));
        RenderPlan rejoined = RenderPlan.of(FixedKeyGroups.keyed(GROUP, withNetwork.withHosts(back), 5),
                reloaded.hashes(first.group()), null, 4, Instant.now(), UUID::randomUUID);
        assertThat(reloaded.partitions(rejoined, 12)).containsEntry(NODE_03, tombstone.partition());

        // deleting the group tombstones every host left
        send(FixedKeyGroups.deleted(GROUP, 5));
        records = poll(rendered, 5);
        assertThat(records).allMatch(r -> r.value() == null && "5".equals(header(r, CloudEvents.REVISION_HEADER)));
        assertThat(memory.hashes(first.group())).isEmpty();
    }

    @Test
    void aMeshGetsItsPeerTableOnceAndHostRecordsThatNameItAndLosesTheTableWithTheGroup() throws Exception {
        KafkaConsumer<String, byte[]> rendered = consumer(Topics.HOST_CONFIG_RENDERED);
        KafkaConsumer<String, byte[]> tables = consumer(Topics.MESH_PEERS_RENDERED);
        HostGroupKeysGenerated mesh = FixedKeyGroups.keyed("flow-mesh", FixedKeyGroups.spec("mesh-4"), 1);

        send(mesh);
        ConsumerRecord<String, byte[]> table = poll(tables, 1).get(0);
        MeshPeersRendered peers = EventJson.read(table.value(), MeshPeersRendered.class);
        assertThat(table.key()).isEqualTo("flow-mesh");
        assertThat(header(table, "ce_type")).isEqualTo(MeshPeersRendered.TYPE);
        assertThat(peers.peers()).hasSize(4);
        assertThat(poll(rendered, 4)).allSatisfy(r -> {
            HostConfigRendered host = EventJson.read(r.value(), HostConfigRendered.class);
            assertThat(host.meshPeersHash()).isEqualTo(peers.peersHash());
            assertThat(host.interfaces()).singleElement().satisfies(c -> assertThat(c.peers()).isEmpty());
        });

        // a restarted renderer knows the table it published, so an unchanged table is not sent again
        RenderedHosts reloaded = new RenderedHosts();
        new RenderedTopicLoader(reloaded, new StagedGroups(), consumerFactory, verifier, deadLetters, names)
                .load(group -> true);
        assertThat(reloaded.peersHash(mesh.group())).isEqualTo(peers.peersHash());

        send(FixedKeyGroups.deleted("flow-mesh", 2));
        ConsumerRecord<String, byte[]> removed = poll(tables, 1).get(0);
        assertThat(removed.value()).isNull();
        assertThat(header(removed, CloudEvents.REVISION_HEADER)).isEqualTo("2");
        assertThat(poll(rendered, 4)).allMatch(r -> r.value() == null);
        assertThat(memory.peersHash(mesh.group())).isNull();
    }

    /**
     * A change rolled out in waves reaches the topic host by host as config-service's rollout releases them; a
     * rollout record signed by anyone but config-service (here the renderer's own key, the strongest a stolen
     * service credential gives) goes to the DLT and releases nothing.
     */
    @Test
    void aStagedChangeIsPublishedAsItsRolloutReleasesHostsAndOnlyConfigServiceCanReleaseThem() throws Exception {
        KafkaConsumer<String, byte[]> rendered = consumer(Topics.HOST_CONFIG_RENDERED);
        KafkaConsumer<String, byte[]> dlt = consumer(Topics.deadLetter(Topics.ROLLOUT_PROGRESSED));
        HostGroupSpec spec = FixedKeyGroups.spec("mesh-4");
        HostGroupKeysGenerated before = FixedKeyGroups.keyed("waves-4", spec, 1);
        send(before);
        poll(rendered, 4);
        HostName first = spec.hosts().get(0).name();
        // a new listen port: the host's own file changes, and every other host's entry of it
        HostGroupSpec changed = spec.withHosts(spec.hosts().stream().map(h -> h.name().equals(first)
                ? new Host(h.name(), h.slot(), Endpoint.parse("192.0.2.99:51999"), h.internalNetworks(), h.tunnelSegment(),
                h.interfaceSuffix(), h.os()) : h).toList());
        HostGroupKeysGenerated plain = FixedKeyGroups.keyed("waves-4", changed, 2);
        HostGroupKeysGenerated staged = new HostGroupKeysGenerated(plain.eventId(), plain.group(), 2, plain.occurredAt(),
                plain.correlationId(), plain.cause(), changed, plain.hosts(), plain.presharedKeySeed(),
                plain.presharedKeySeedCreatedAt(), before);
        List<HostName> others = spec.hosts().stream().map(Host::name).filter(h -> !h.equals(first)).toList();
        RolloutProgressed canary = new RolloutProgressed(UUID.randomUUID(), staged.group(), 2, Instant.now(),
                staged.correlationId(), RolloutProgressed.State.RUNNING, List.of(List.of(first), others), 1, Instant.now(),
                60, 1, spec, null, null);

        send(staged);
        assertThat(poll(rendered, 0)).as("nothing before the rollout releases a host").isEmpty();
        inTransaction(CloudEvents.record(Topics.ROLLOUT_PROGRESSED, canary.advanced(UUID.randomUUID(), Instant.now(),
                List.of()), TestTrust.signer(Signer.RENDERER)));
        assertThat(poll(dlt, 1)).extracting(ConsumerRecord::key).containsExactly("waves-4");
        assertThat(poll(rendered, 0)).as("a forged release releases nothing").isEmpty();

        inTransaction(CloudEvents.record(Topics.ROLLOUT_PROGRESSED, canary, TestTrust.signer(Signer.CONFIG)));
        List<ConsumerRecord<String, byte[]>> wave1 = poll(rendered, 1);
        HostConfigRendered canaryRecord = EventJson.read(wave1.get(0).value(), HostConfigRendered.class);
        assertThat(canaryRecord.host()).isEqualTo(first);
        assertThat(canaryRecord.revision()).isEqualTo(2);
        assertThat(canaryRecord.meshPeersHash()).isNull();

        inTransaction(CloudEvents.record(Topics.ROLLOUT_PROGRESSED, canary.advanced(UUID.randomUUID(), Instant.now(),
                List.of()), TestTrust.signer(Signer.CONFIG)));
        List<ConsumerRecord<String, byte[]>> wave2 = poll(rendered, 3);
        assertThat(wave2).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(
                others.stream().map(h -> "waves-4/" + h).toList());
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAreCountedAndTheNextOneIsRendered() throws Exception {
        KafkaConsumer<String, byte[]> dlt = consumer(Topics.deadLetter(Topics.HOST_GROUP_KEYS_GENERATED));
        KafkaConsumer<String, byte[]> rendered = consumer(Topics.HOST_CONFIG_RENDERED);
        String valid = new String(EventJson.write(FixedKeyGroups.keyed("poison", FixedKeyGroups.spec("mesh-4"), 1)),
                StandardCharsets.UTF_8);
        assertThat(valid).contains("\"10.20.1.0/24\"");
        Map<String, String> poison = Map.of(
                "unsigned", valid,
                "not-json", "{\"group\": ",
                "wrong-shape", "{\"group\":\"wrong-shape\"}",
                "wrong-key", valid,
                "host-bits", valid.replace("\"10.20.1.0/24\"", "\"10.20.1.1/24\"").replace("\"poison\"", "\"host-bits\""));
        for (var entry : poison.entrySet()) {
            byte[] value = entry.getValue().getBytes(StandardCharsets.UTF_8);
            inTransaction(entry.getKey().equals("unsigned")
                    ? new ProducerRecord<>(Topics.HOST_GROUP_KEYS_GENERATED, entry.getKey(), value)
                    // the others signed by keygen's key: poison that passes the signature check
                    : TestTrust.signed(Signer.KEYGEN, Topics.HOST_GROUP_KEYS_GENERATED, entry.getKey(), value, 1));
        }
        // an unknown group is no poison here: keys of a group the renderer never saw are its first revision
        send(FixedKeyGroups.keyed("mesh-4", FixedKeyGroups.spec("mesh-4"), 1));

        Map<String, String> reasons = new HashMap<>();
        poll(dlt, poison.size()).forEach(r -> reasons.put(r.key(), header(r, KafkaHeaders.DLT_EXCEPTION_MESSAGE)));
        assertThat(reasons.get("unsigned")).startsWith("unsigned");
        assertThat(reasons.get("not-json")).startsWith("not a valid HostGroupKeysGenerated");
        assertThat(reasons.get("wrong-shape")).startsWith("not a valid HostGroupKeysGenerated");
        assertThat(reasons.get("wrong-key")).contains("record key \"wrong-key\" is not the event's \"poison\"");
        assertThat(reasons.get("host-bits")).contains("10.20.1.1/24");
        assertThat(poll(rendered, 4)).allMatch(r -> r.key().startsWith("mesh-4/"));
        assertThat(meters.counter("wgmesh.dead.letters", "topic", Topics.HOST_GROUP_KEYS_GENERATED).count())
                .isEqualTo(poison.size());
    }

    /**
     * Three revisions of a group, a poison record and another group come in one poll, rendered in one transaction:
     * each revision is rendered on the one before it although the memory learns of neither before the commit
     * (revision 2 changes nothing, revision 3 only the hosts that route to hoster-node-03), and the poison goes to
     * the DLT without taking the others with it.
     */
    @Test
    void aPollIsRenderedInOneTransactionEachRevisionOnTheOneBeforeIt() throws Exception {
        KafkaConsumer<String, byte[]> rendered = consumer(Topics.HOST_CONFIG_RENDERED);
        KafkaConsumer<String, byte[]> dlt = consumer(Topics.deadLetter(Topics.HOST_GROUP_KEYS_GENERATED));
        HostGroupSpec spec = FixedKeyGroups.spec(GROUP);
        HostGroupSpec withNetwork = spec.withHosts(spec.hosts().stream().map(h -> h.name().equals(NODE_03)
                ? new Host(h.name(), h.slot(), h.endpoint(), List.of(Cidr.parse("10.10.103.0/24")), h.tunnelSegment(),
                h.interfaceSuffix(), h.os()) : h).toList());
        var container = registry.getListenerContainer(KeysListener.ID);
        container.stop();
        try {
            sent.add(kafka.executeInTransaction(operations -> {
                var signer = TestTrust.signer(Signer.KEYGEN);
                operations.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, FixedKeyGroups.keyed("batched", spec, 1), signer));
                operations.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, FixedKeyGroups.keyed("batched", spec, 2), signer));
                operations.send(TestTrust.signed(Signer.KEYGEN, Topics.HOST_GROUP_KEYS_GENERATED, "batched-poison",
                        "[1, 2, 3]".getBytes(StandardCharsets.UTF_8), 1));
                operations.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, FixedKeyGroups.keyed("batched", withNetwork, 3), signer));
                return operations.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED,
                        FixedKeyGroups.keyed("batched-other", FixedKeyGroups.spec("mesh-4"), 1), signer));
            }).get().getRecordMetadata());
        } finally {
            container.start();
        }

        List<ConsumerRecord<String, byte[]>> records = poll(rendered, 6 + 5 + 4);
        Map<Long, List<String>> byRevision = new HashMap<>();
        records.stream().filter(r -> r.key().startsWith("batched/")).forEach(r -> byRevision
                .computeIfAbsent(EventJson.read(r.value(), HostConfigRendered.class).revision(), k -> new ArrayList<>())
                .add(r.key()));
        assertThat(byRevision.get(1L)).hasSize(6);
        assertThat(byRevision).doesNotContainKey(2L);
        assertThat(byRevision.get(3L)).hasSize(5).doesNotContain("batched/" + NODE_03);
        assertThat(records).filteredOn(r -> r.key().startsWith("batched-other/")).hasSize(4);
        assertThat(poll(dlt, 1)).extracting(ConsumerRecord::key).containsExactly("batched-poison");
        assertThat(memory.revision(GroupName.parse("batched"))).isEqualTo(3);
        assertThat(memory.hashes(GroupName.parse("batched"))).hasSize(6);
    }

    private void send(HostGroupKeysGenerated keyed) throws Exception {
        inTransaction(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, keyed, TestTrust.signer(Signer.KEYGEN)));
    }

    /** The application's template is transactional: it sends only inside a transaction. */
    private void inTransaction(ProducerRecord<String, byte[]> record) throws Exception {
        sent.add(kafka.executeInTransaction(operations -> operations.send(record)).get().getRecordMetadata());
    }

    /**
     * A consumer of every partition of the topic, from its current end. Reading to the end ends on a commit
     * marker: a fetch that finds nothing more returns after 50 ms, not 500.
     */
    private KafkaConsumer<String, byte[]> consumer(String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumers.add(consumer);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    /**
     * Exactly {@code count} records: waits for them, then until the renderer is done with every record this test
     * sent, then reads the topic to its end, so that a record too many is seen too.
     */
    private List<ConsumerRecord<String, byte[]>> poll(KafkaConsumer<String, byte[]> consumer, int count) throws Exception {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(30);
        while (records.size() < count && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        sent.awaitConsumedBy("wgmesh-renderer", Duration.ofSeconds(30));
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        assertThat(records).as("records").hasSize(count);
        return records;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return CloudEvents.header(record.headers(), name);
    }
}
