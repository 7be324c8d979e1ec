package dev.wgmesh.keygen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Topology;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.kafka.testing.SentRecords;
import dev.wgmesh.kafka.testing.TestBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;

/** keygen-service against a real broker, started and restarted as a whole application. */
class KeygenKafkaTest {

    private static final X25519Keys.KeyPair DEPLOYER = X25519Keys.generate(new SecureRandom());
    private static final Duration WAIT = Duration.ofSeconds(60);

    private KafkaProducer<String, byte[]> producer;
    private SentRecords sent;

    @BeforeEach
    void producer() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.brokers()),
                new StringSerializer(), new ByteArraySerializer());
        sent = new SentRecords(TestBroker.brokers());
    }

    @AfterEach
    void closeProducer() {
        producer.close();
        sent.close();
    }

    @Test
    void keysArePublishedAndSurviveARestartWhileReplaysAreSkipped() throws Exception {
        GroupName group = GroupName.parse("restart");
        HostGroupChanged first = change(group, 1, ChangeCause.UPSERT, null, spec("a", "b"));
        HostGroupKeysGenerated keys1;
        try (ConfigurableApplicationContext app = start()) {
            send(first);
            ConsumerRecord<String, byte[]> record = awaitKeys(group, 1).get(0);
            keys1 = EventJson.read(record.value(), HostGroupKeysGenerated.class);

            assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
            assertThat(header(record, "ce_type")).isEqualTo(HostGroupKeysGenerated.TYPE);
            assertThat(header(record, "ce_source")).isEqualTo("/wgmesh/keygen-service");
            assertThat(header(record, "ce_id")).isEqualTo(keys1.eventId().toString());
            assertThat(header(record, "content-type")).isEqualTo("application/json");
            assertThat(keys1.correlationId()).isEqualTo(first.correlationId());
            assertThat(keys1.spec()).isEqualTo(first.spec());
            assertThat(keys1.presharedKeySeed()).isNotNull();
            for (HostKeys host : keys1.hosts()) {
                var privateKey = SecretSealer.open(host.privateKey(), DEPLOYER.privateKey(),
                        HostKeys.privateKeyContext(group, host.host()));
                assertThat(X25519Keys.publicKeyOf(privateKey)).isEqualTo(host.publicKey());
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain(privateKey.base64());
            }
        }

        try (ConfigurableApplicationContext app = start()) {
            send(first); // a replay: revision 1 is keyed already
            send(change(group, 2, ChangeCause.UPSERT, null, spec("a", "b", "c")));
            send(change(group, 3, ChangeCause.ROTATE_HOST, "b", spec("a", "b", "c")));
            send(change(group, 4, ChangeCause.DELETE, null, null));

            List<HostGroupKeysGenerated> all = awaitKeys(group, 4).stream()
                    .map(r -> EventJson.read(r.value(), HostGroupKeysGenerated.class)).toList();

            assertThat(all).extracting(HostGroupKeysGenerated::revision).containsExactly(1L, 2L, 3L, 4L);
            Map<HostName, HostKeys> before = byHost(keys1);
            Map<HostName, HostKeys> afterRestart = byHost(all.get(1));
            assertThat(afterRestart.get(HostName.parse("a"))).isEqualTo(before.get(HostName.parse("a")));
            assertThat(afterRestart.get(HostName.parse("b"))).isEqualTo(before.get(HostName.parse("b")));
            assertThat(afterRestart).containsKey(HostName.parse("c"));
            assertThat(all.get(1).presharedKeySeed()).isEqualTo(keys1.presharedKeySeed());

            Map<HostName, HostKeys> rotated = byHost(all.get(2));
            assertThat(rotated.get(HostName.parse("a"))).isEqualTo(afterRestart.get(HostName.parse("a")));
            assertThat(rotated.get(HostName.parse("c"))).isEqualTo(afterRestart.get(HostName.parse("c")));
            assertThat(rotated.get(HostName.parse("b")).publicKey()).isNotEqualTo(afterRestart.get(HostName.parse("b")).publicKey());

            HostGroupKeysGenerated deleted = all.get(3);
            assertThat(deleted.cause()).isEqualTo(ChangeCause.DELETE);
            assertThat(deleted.spec()).isNull();
            assertThat(deleted.hosts()).isEmpty();
        }
    }

    /**
     * Two replicas share the groups by partition; when one stops, the other takes its groups over and keys their
     * next change from what the stopped one last published, not from what it knew at its own start.
     */
    @Test
    void aReplicaThatTakesOverAGroupKeysItFromWhatTheOtherLastPublished() throws Exception {
        List<GroupName> groups = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            groups.add(GroupName.parse("takeover-" + i));
        }
        Map<GroupName, HostGroupKeysGenerated> rotated = new java.util.HashMap<>();
        try (ConfigurableApplicationContext second = start("b")) {
            try (ConfigurableApplicationContext first = start("a")) {
                for (GroupName group : groups) {
                    send(change(group, 1, ChangeCause.UPSERT, null, spec("a", "b")));
                    send(change(group, 2, ChangeCause.ROTATE_HOST, "a", spec("a", "b")));
                }
                for (GroupName group : groups) {
                    rotated.put(group, EventJson.read(awaitKeys(group, 2).get(1).value(), HostGroupKeysGenerated.class));
                }
            }
            // the second replica has every partition now; its memory of the first one's groups is loaded anew
            for (GroupName group : groups) {
                send(change(group, 3, ChangeCause.UPSERT, null, spec("a", "b", "c")));
            }
            for (GroupName group : groups) {
                HostGroupKeysGenerated next = EventJson.read(awaitKeys(group, 3).get(2).value(), HostGroupKeysGenerated.class);
                Map<HostName, HostKeys> before = byHost(rotated.get(group));
                Map<HostName, HostKeys> after = byHost(next);
                assertThat(after.get(HostName.parse("a"))).as(group + " host a").isEqualTo(before.get(HostName.parse("a")));
                assertThat(after.get(HostName.parse("b"))).as(group + " host b").isEqualTo(before.get(HostName.parse("b")));
                assertThat(next.presharedKeySeed()).isEqualTo(rotated.get(group).presharedKeySeed());
            }
        }
    }

    /**
     * Changes that wait for keygen come in one poll, keyed in one transaction: each revision of a group is keyed on
     * the one before it although the memory learns of neither before the commit, and a poison record between them
     * goes to the DLT without taking the others with it.
     */
    @Test
    void aPollIsKeyedInOneTransactionEachRevisionOnTheOneBeforeIt() throws Exception {
        GroupName group = GroupName.parse("one-poll");
        GroupName other = GroupName.parse("one-poll-other");
        send(change(group, 1, ChangeCause.UPSERT, null, spec("a", "b")));
        send(change(group, 2, ChangeCause.ROTATE_HOST, "a", spec("a", "b")));
        sent.add(producer.send(TestTrust.signed(Signer.CONFIG, Topics.HOST_GROUP_CHANGED, "one-poll-poison",
                "[1, 2, 3]".getBytes(StandardCharsets.UTF_8), 1)).get());
        send(change(group, 3, ChangeCause.UPSERT, null, spec("a", "b", "c")));
        send(change(other, 1, ChangeCause.UPSERT, null, spec("x")));
        try (ConfigurableApplicationContext app = start()) {
            List<ConsumerRecord<String, byte[]>> records = awaitKeys(group, 3);
            List<HostGroupKeysGenerated> keys = records.stream()
                    .map(r -> EventJson.read(r.value(), HostGroupKeysGenerated.class)).toList();
            assertThat(keys).extracting(HostGroupKeysGenerated::revision).containsExactly(1L, 2L, 3L);
            Map<HostName, HostKeys> first = byHost(keys.get(0));
            Map<HostName, HostKeys> rotated = byHost(keys.get(1));
            Map<HostName, HostKeys> grown = byHost(keys.get(2));
            assertThat(rotated.get(HostName.parse("a")).publicKey()).isNotEqualTo(first.get(HostName.parse("a")).publicKey());
            assertThat(rotated.get(HostName.parse("b"))).isEqualTo(first.get(HostName.parse("b")));
            assertThat(grown.get(HostName.parse("a"))).isEqualTo(rotated.get(HostName.parse("a")));
            assertThat(grown.get(HostName.parse("b"))).isEqualTo(first.get(HostName.parse("b")));
            assertThat(keys.get(2).presharedKeySeed()).isEqualTo(keys.get(0).presharedKeySeed());
            // one transaction: its records sit side by side, its one commit marker after the last of them
            assertThat(records).extracting(ConsumerRecord::offset)
                    .containsExactly(records.get(0).offset(), records.get(0).offset() + 1, records.get(0).offset() + 2);
            assertThat(awaitKeys(other, 1)).hasSize(1);
            assertThat(await(Topics.deadLetter(Topics.HOST_GROUP_CHANGED),
                    all -> all.stream().filter(r -> r.key().equals("one-poll-poison")).toList(), 1)).hasSize(1);
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAreCountedAndLaterRecordsAreStillKeyed() throws Exception {
        GroupName group = GroupName.parse("after-poison");
        HostGroupChanged valid = change(group, 1, ChangeCause.UPSERT, null, spec("a"));
        String validJson = new String(EventJson.write(valid), StandardCharsets.UTF_8);
        Map<String, String> poison = Map.of(
                "unsigned", validJson,
                "not-json", "this is not JSON",
                "wrong-shape", "[1, 2, 3]",
                "wrong-key", validJson,
                "host-bits", validJson.replace("10.1.0.0/16", "10.1.2.3/16").replace(group.value(), "host-bits"),
                "unknown", new String(EventJson.write(change(GroupName.parse("unknown"), 7, ChangeCause.ROTATE_GROUP,
                        null, spec("a"))), StandardCharsets.UTF_8));
        try (ConfigurableApplicationContext app = start()) {
            for (var entry : poison.entrySet()) {
                byte[] value = entry.getValue().getBytes(StandardCharsets.UTF_8);
                long revision = entry.getKey().equals("unknown") ? 7 : 1;
                sent.add(producer.send(entry.getKey().equals("unsigned")
                        ? new ProducerRecord<>(Topics.HOST_GROUP_CHANGED, entry.getKey(), value)
                        // the others signed by config-service's key: poison that passes the signature check
                        : TestTrust.signed(Signer.CONFIG, Topics.HOST_GROUP_CHANGED, entry.getKey(), value, revision)).get());
            }
            send(valid);

            Map<String, String> reasons = await(Topics.deadLetter(Topics.HOST_GROUP_CHANGED),
                    records -> records.stream().filter(r -> poison.containsKey(r.key())).toList(), poison.size())
                    .stream().collect(Collectors.toMap(ConsumerRecord::key,
                            r -> header(r, KafkaHeaders.DLT_EXCEPTION_MESSAGE)));
            assertThat(reasons).hasSize(poison.size());
            assertThat(reasons.get("unsigned")).startsWith("unsigned");
            assertThat(reasons.get("not-json")).contains("not a valid HostGroupChanged");
            assertThat(reasons.get("wrong-shape")).contains("not a valid HostGroupChanged");
            assertThat(reasons.get("wrong-key")).contains("the record key \"wrong-key\" is not the event's \"after-poison\"");
            assertThat(reasons.get("host-bits")).contains("10.1.2.3/16");
            assertThat(reasons.get("unknown")).contains("group \"unknown\" is unknown");
            assertThat(awaitKeys(group, 1)).hasSize(1);
            assertThat(app.getBean(MeterRegistry.class).counter("wgmesh.dead.letters", "topic", Topics.HOST_GROUP_CHANGED)
                    .count()).isEqualTo(poison.size());
        }
    }

    /**
     * Two installations share the broker. The one with the topic prefix {@code team-a.} keys the changes on its own
     * topic only, under its own consumer group and transactional ids, reads its keys back from its own topic after a
     * restart, and creates, reads and writes nothing of the installation without a prefix. A change of that other
     * installation, copied onto team-a's topic with its signature (both trust the same test keys here), is refused:
     * the signature covers the topic's whole name.
     */
    @Test
    void anInstallationWithATopicPrefixReadsAndWritesOnlyItsOwnTopicsGroupAndTransactionalIds() throws Exception {
        TopicNames teamA = new TopicNames("team-a.");
        GroupName others = GroupName.parse("others-group");
        GroupName group = GroupName.parse("team-a-group");
        ProducerRecord<String, byte[]> othersChange = CloudEvents.record(Topics.HOST_GROUP_CHANGED,
                change(others, 1, ChangeCause.UPSERT, null, spec("x")), TestTrust.signer(Signer.CONFIG));
        try (ConfigurableApplicationContext unprefixed = start()) {
            sent.add(producer.send(othersChange).get());
            awaitKeys(others, 1);
        }
        // team-a's records from here on: its consumer group is the one that must be done with them
        sent.close();
        sent = new SentRecords(TestBroker.brokers());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.brokers()))) {
            Set<String> unprefixedTopics = topicsWithout(admin, "team-a.");
            Map<TopicPartition, Long> unprefixedEnds = ends(admin, unprefixedTopics);
            Map<TopicPartition, OffsetAndMetadata> unprefixedGroup = admin.listConsumerGroupOffsets("wgmesh-keygen")
                    .partitionsToOffsetAndMetadata().get();

            HostGroupKeysGenerated keys;
            try (ConfigurableApplicationContext app = start("local", "--wgmesh.kafka.topic-prefix=team-a.")) {
                sent.add(producer.send(CloudEvents.record(teamA.of(Topics.HOST_GROUP_CHANGED),
                        change(group, 1, ChangeCause.UPSERT, null, spec("a", "b")), TestTrust.signer(Signer.CONFIG))).get());
                sent.add(producer.send(new ProducerRecord<>(teamA.of(Topics.HOST_GROUP_CHANGED), null, othersChange.key(),
                        othersChange.value(), othersChange.headers())).get());

                assertThat(await(teamA.of(Topics.deadLetter(Topics.HOST_GROUP_CHANGED)), "team-a.wgmesh-keygen",
                        records -> records, 1)).singleElement().satisfies(refused -> {
                            assertThat(refused.key()).isEqualTo(others.value());
                            assertThat(header(refused, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("does not match this topic");
                        });
                List<ConsumerRecord<String, byte[]>> keyed = await(teamA.of(Topics.HOST_GROUP_KEYS_GENERATED),
                        "team-a.wgmesh-keygen", records -> records, 1);
                assertThat(keyed).extracting(ConsumerRecord::key).containsExactly(group.value());
                assertThat(TestTrust.verifier(teamA).verify(keyed.get(0)).revision()).isEqualTo(1);
                keys = EventJson.read(keyed.get(0).value(), HostGroupKeysGenerated.class);
            }
            try (ConfigurableApplicationContext app = start("local", "--wgmesh.kafka.topic-prefix=team-a.")) {
                sent.add(producer.send(CloudEvents.record(teamA.of(Topics.HOST_GROUP_CHANGED),
                        change(group, 2, ChangeCause.UPSERT, null, spec("a", "b", "c")), TestTrust.signer(Signer.CONFIG))).get());
                HostGroupKeysGenerated next = EventJson.read(await(teamA.of(Topics.HOST_GROUP_KEYS_GENERATED),
                        "team-a.wgmesh-keygen", records -> records, 2).get(1).value(), HostGroupKeysGenerated.class);
                // its memory came back from its own keys topic: the hosts kept their key pairs
                assertThat(byHost(next).get(HostName.parse("a"))).isEqualTo(byHost(keys).get(HostName.parse("a")));
            }

            assertThat(admin.listConsumerGroupOffsets("team-a.wgmesh-keygen").partitionsToOffsetAndMetadata().get())
                    .isNotEmpty().allSatisfy((partition, offset) ->
                            assertThat(partition.topic()).isEqualTo("team-a.wgmesh.host-group-changed"));
            assertThat(admin.listTransactions().all().get()).extracting(TransactionListing::transactionalId)
                    .anyMatch(id -> id.startsWith("team-a.wgmesh-keygen-local-"));
            assertThat(topicsWithout(admin, "team-a.")).isEqualTo(unprefixedTopics);
            assertThat(ends(admin, unprefixedTopics)).isEqualTo(unprefixedEnds);
            assertThat(admin.listConsumerGroupOffsets("wgmesh-keygen").partitionsToOffsetAndMetadata().get())
                    .isEqualTo(unprefixedGroup);
        }
    }

    @Test
    void aTopicPrefixKafkaWouldRefuseStopsTheStartNamingTheSettingAndQuotingIt() {
        assertThatThrownBy(() -> start("local", "--wgmesh.kafka.topic-prefix=team a")).rootCause()
                .hasMessageStartingWith("wgmesh.kafka.topic-prefix (env WGMESH_TOPIC_PREFIX) is \"team a\"");
    }

    private static Set<String> topicsWithout(Admin admin, String prefix) throws Exception {
        return admin.listTopics().names().get().stream().filter(topic -> !topic.startsWith(prefix))
                .collect(Collectors.toSet());
    }

    private static Map<TopicPartition, Long> ends(Admin admin, Set<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get().values()) {
            topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        return admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, end -> end.getValue().offset()));
    }

    private ConfigurableApplicationContext start() {
        return start("local");
    }

    /**
     * @param instance the replica's name: its transactional ids must differ from every other replica's
     * @param settings more settings, such as a topic prefix
     */
    private ConfigurableApplicationContext start(String instance, String... settings) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + TestBroker.brokers(),
                "--spring.kafka.producer.transaction-id-prefix=wgmesh-keygen-" + instance + "-",
                // two replicas in one JVM: each its own metrics port
                "--server.port=0",
                "--wgmesh.deployer-public-key=" + DEPLOYER.publicKey().base64()));
        args.addAll(List.of(settings));
        return new SpringApplicationBuilder(KeygenApplication.class).run(args.toArray(String[]::new));
    }

    private void send(HostGroupChanged change) throws Exception {
        sent.add(producer.send(CloudEvents.record(Topics.HOST_GROUP_CHANGED, change, TestTrust.signer(Signer.CONFIG))).get());
    }

    private List<ConsumerRecord<String, byte[]>> awaitKeys(GroupName group, int count) throws Exception {
        return await(Topics.HOST_GROUP_KEYS_GENERATED,
                records -> records.stream().filter(r -> group.value().equals(r.key())).toList(), count);
    }

    /**
     * Reads the topic from the beginning until {@code select} finds {@code count} records, then until keygen is done
     * with every record sent and to the topic's end, so that a record too many is seen too; returns those selected.
     */
    private List<ConsumerRecord<String, byte[]>> await(String topic,
            Function<List<ConsumerRecord<String, byte[]>>, List<ConsumerRecord<String, byte[]>>> select, int count)
            throws Exception {
        return await(topic, "wgmesh-keygen", select, count);
    }

    /** @param group keygen's consumer group, which must be done with every record sent */
    private List<ConsumerRecord<String, byte[]>> await(String topic, String group,
            Function<List<ConsumerRecord<String, byte[]>>, List<ConsumerRecord<String, byte[]>>> select, int count)
            throws Exception {
        // reading to the end ends on a commit marker: a fetch that finds nothing more returns after 50 ms, not 500
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.brokers(),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            Instant deadline = Instant.now().plus(WAIT);
            while (Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                List<ConsumerRecord<String, byte[]>> selected = select.apply(seen);
                if (selected.size() >= count) {
                    sent.awaitConsumedBy(group, WAIT);
                    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                    }
                    return select.apply(seen);
                }
            }
            throw new AssertionError("expected " + count + " records on " + topic + " but saw " + select.apply(seen).size());
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return CloudEvents.header(record.headers(), name);
    }

    private static Map<HostName, HostKeys> byHost(HostGroupKeysGenerated keys) {
        return keys.hosts().stream().collect(Collectors.toMap(HostKeys::host, Function.identity()));
    }

    private static HostGroupChanged change(GroupName group, long revision, ChangeCause cause, String rotatedHost,
                                           HostGroupSpec spec) {
        // config-service makes each change its own chain: correlationId = eventId
        UUID eventId = UUID.randomUUID();
        return new HostGroupChanged(eventId, group, revision, Instant.now(), eventId, cause,
                rotatedHost == null ? null : HostName.parse(rotatedHost), spec, null);
    }

    private static HostGroupSpec spec(String... hosts) {
        List<Host> list = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            list.add(new Host(HostName.parse(hosts[i]), i + 1, Endpoint.parse("192.0.2." + (i + 1) + ":51820"),
                    List.of(Cidr.parse("10." + (i + 1) + ".0.0/16")),
                    InterfaceAddress.parse("198.19." + (i + 1) + ".1/24"), "s" + (i + 1), null));
        }
        return new HostGroupSpec(Topology.HOSTER, null, null, null, true, false, list);
    }
}
