package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.wgmesh.cli.process.BrokerProcess;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.kafka.KafkaAccess;
import dev.wgmesh.kafka.KafkaCredentials;
import dev.wgmesh.kafka.KafkaSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as ./wgmesh up locks it (BrokerProcess.startLocked, then KafkaSetup as the launcher runs it), tried
 * as an attacker holding one principal's credentials would: with a plain producer, the client defaults. A refused
 * write leaves the topic as it was (its end offsets, read as admin, do not move).
 */
class LockedBrokerTest {

    @TempDir
    static Path workDir;

    private static BrokerProcess broker;

    @BeforeAll
    static void lockedBroker() throws Exception {
        broker = BrokerProcess.startLocked(workDir.resolve("kafka"),
                Files.createDirectories(Path.of("target", "process-logs", "LockedBrokerTest").toAbsolutePath()));
        KafkaSetup.apply(broker.credentials(), broker.toolsBootstrapServers(), (short) 1);
        // twice, as every ./wgmesh up does: nothing fails on the second run
        KafkaSetup.apply(broker.credentials(), broker.toolsBootstrapServers(), (short) 1);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void observerReadsEveryTopicAndWritesNone() throws Exception {
        write("automation", Topics.HOST_GROUP_COMMANDS, "observed");
        for (String topic : allTopics()) {
            assertRefused("observer", topic);
        }
        assertThat(readAll("observer", Topics.HOST_GROUP_COMMANDS)).contains("observed");
        for (String topic : allTopics()) {
            assertThat(readAll("observer", topic)).as(topic).hasSizeLessThanOrEqualTo((int) endOffsets(topic));
        }
    }

    @Test
    void automationWritesTheCommandsTopicAndNothingElse() throws Exception {
        write("automation", Topics.HOST_GROUP_COMMANDS, "{\"action\": \"delete\"}");
        for (String topic : allTopics()) {
            if (!topic.equals(Topics.HOST_GROUP_COMMANDS)) {
                assertRefused("automation", topic);
            }
        }
        assertThatThrownBy(() -> readAll("automation", Topics.HOST_GROUP_CHANGED))
                .isInstanceOf(AuthorizationException.class);
    }

    @Test
    void aDeployerCannotWriteConfigsPeerTablesOrCommands() throws Exception {
        assertRefused("deployer", Topics.HOST_CONFIG_RENDERED);
        assertRefused("deployer", Topics.MESH_PEERS_RENDERED);
        assertRefused("deployer", Topics.HOST_GROUP_COMMANDS);
        assertRefused("deployer", Topics.HOST_GROUP_CHANGED);
        // what it must write still goes through
        write("deployer", Topics.DEPLOYMENT_REPORTED, "report");
        write("deployer", Topics.deadLetter(Topics.HOST_CONFIG_RENDERED), "dead letter");
    }

    @Test
    void eachServiceWritesExactlyItsTableRow() throws Exception {
        for (KafkaAccess access : KafkaAccess.ALL) {
            for (String topic : allTopics()) {
                if (access.writeTopics().contains(topic)) {
                    write(access.principal(), topic, "allowed");
                } else {
                    assertRefused(access.principal(), topic);
                }
            }
        }
    }

    /**
     * A second installation on the broker (prefix {@code team-a.}, its own passwords but the broker's admin) gets
     * users of its own: neither installation's keygen may write the other's keys, and neither setup removes the
     * other's grants. A grant to the unprefixed user on team-a's names, as installations had when they shared
     * users, is removed by team-a's setup.
     */
    @Test
    void anotherInstallationOnTheBrokerHasUsersOfItsOwn() throws Exception {
        TopicNames teamA = new TopicNames("team-a.");
        String theirKeys = teamA.of(Topics.HOST_GROUP_KEYS_GENERATED);
        try (Admin admin = Admin.create(adminClient())) {
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, theirKeys, PatternType.LITERAL),
                    new AccessControlEntry("User:keygen", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                    .all().get(20, TimeUnit.SECONDS);
        }
        Path dir = Files.createDirectories(workDir.resolve("team-a"));
        Files.writeString(dir.resolve(KafkaCredentials.PASSWORDS),
                KafkaAccess.ADMIN + "=" + broker.credentials().users().get(KafkaAccess.ADMIN) + "\n");
        KafkaCredentials theirs = KafkaCredentials.write(dir, teamA);
        assertThat(theirs.users()).containsKeys("team-a.keygen", "team-a.deployer", KafkaAccess.ADMIN)
                .doesNotContainKey("keygen");
        KafkaSetup.apply(theirs, broker.toolsBootstrapServers(), (short) 1);

        write(theirs, "keygen", theirKeys, "allowed");
        assertRefused(theirs, "keygen", Topics.HOST_GROUP_KEYS_GENERATED);
        assertRefused(broker.credentials(), "keygen", theirKeys);
        // each setup again: the other's grants stay
        KafkaSetup.apply(broker.credentials(), broker.toolsBootstrapServers(), (short) 1);
        write(theirs, "keygen", theirKeys, "still allowed");
        KafkaSetup.apply(theirs, broker.toolsBootstrapServers(), (short) 1);
        write("keygen", Topics.HOST_GROUP_KEYS_GENERATED, "still allowed");
    }

    @Test
    void aServiceCannotUseAnotherServicesTransactionalIds() {
        try (var keygen = producer("keygen", Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "wgmesh-keygen-local-0"))) {
            keygen.initTransactions();
        }
        try (var renderer = producer("renderer", Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "wgmesh-keygen-local-0"))) {
            assertThatThrownBy(renderer::initTransactions).isInstanceOf(AuthorizationException.class);
        }
    }

    @Test
    void noCredentialsOrAWrongPasswordGetNothing() throws Exception {
        long before = endOffsets(Topics.HOST_GROUP_COMMANDS);
        Map<String, Object> anonymous = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        try (var producer = new KafkaProducer<>(anonymous, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.HOST_GROUP_COMMANDS, "g", "{}"))
                    .get(10, TimeUnit.SECONDS)).isNotNull();
        }
        Map<String, Object> wrongPassword = new HashMap<>(client("automation"));
        wrongPassword.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"automation\" password=\"guessed\";");
        wrongPassword.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        try (var producer = new KafkaProducer<>(wrongPassword, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.HOST_GROUP_COMMANDS, "g", "{}"))
                    .get(10, TimeUnit.SECONDS)).hasStackTraceContaining("Authentication failed");
        }
        assertThat(endOffsets(Topics.HOST_GROUP_COMMANDS)).isEqualTo(before);
    }

    @Test
    void theClientFilesAreTheOwnersAlone() throws Exception {
        for (String principal : KafkaAccess.principals()) {
            for (String file : List.of(principal + ".properties", principal + ".kcat.conf")) {
                assertThat(Files.getPosixFilePermissions(workDir.resolve("kafka/clients").resolve(file)))
                        .as(file).containsExactlyInAnyOrderElementsOf(
                                PosixFilePermissions.fromString("rw-------"));
            }
        }
    }

    /** Debian's kcat (librdkafka 2.0) with the launcher's observer.kcat.conf: PLAIN on the tools listener. */
    @Test
    void kcatWithTheObserversFileListsAndReadsButCannotWrite() throws Exception {
        if (!onPath("kcat")) {
            String message = "kcat is not installed";
            if ("1".equals(System.getenv("WGMESH_REQUIRE_ROOT_TESTS"))) {
                Assertions.fail(message + " (and WGMESH_REQUIRE_ROOT_TESTS=1 requires it)");
            }
            Assumptions.abort(message);
        }
        write("automation", Topics.HOST_GROUP_COMMANDS, "{\"seen\": \"by kcat\"}");
        Path conf = workDir.resolve("kafka/clients/observer.kcat.conf");
        List<String> kcat = List.of("kcat", "-F", conf.toString(), "-b", broker.toolsBootstrapServers());
        Path empty = Files.writeString(workDir.resolve("empty"), "");

        Kcat list = kcat(concat(kcat, "-L"), empty);
        assertThat(list.exit()).as(list.output()).isZero();
        assertThat(list.output()).contains(Topics.HOST_CONFIG_RENDERED);

        Kcat read = kcat(concat(kcat, "-C", "-t", Topics.HOST_GROUP_COMMANDS, "-e", "-f", "%s\n"), empty);
        assertThat(read.exit()).as(read.output()).isZero();
        assertThat(read.output()).contains("{\"seen\": \"by kcat\"}");

        long before = endOffsets(Topics.HOST_GROUP_COMMANDS);
        Path forged = Files.writeString(workDir.resolve("forged"), "{\"action\": \"delete\"}\n");
        Kcat produce = kcat(concat(kcat, "-P", "-t", Topics.HOST_GROUP_COMMANDS, "-k", "seed"), forged);
        assertThat(produce.exit()).isNotZero();
        assertThat(produce.output()).contains("Topic authorization failed");
        assertThat(endOffsets(Topics.HOST_GROUP_COMMANDS)).isEqualTo(before);
    }

    private record Kcat(int exit, String output) {
    }

    private static Kcat kcat(List<String> command, Path stdin) throws Exception {
        Process process = new ProcessBuilder(command).redirectInput(stdin.toFile()).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not end in 30 s");
        }
        return new Kcat(process.exitValue(), new String(process.getInputStream().readAllBytes()));
    }

    private static List<String> concat(List<String> command, String... more) {
        return Stream.concat(command.stream(), Stream.of(more)).toList();
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
    }

    private static List<String> allTopics() {
        return Topics.ALL.stream().map(Topics.TopicSpec::name).toList();
    }

    /** The Java client file the launcher gives the principal, as its settings. */
    private static Map<String, Object> client(String principal) {
        return client(broker.credentials(), principal);
    }

    private static Map<String, Object> client(KafkaCredentials credentials, String principal) {
        Map<String, Object> config = new HashMap<>(credentials.javaClient(principal));
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return config;
    }

    private static KafkaProducer<String, String> producer(String principal, Map<String, Object> more) {
        return producer(broker.credentials(), principal, more);
    }

    private static KafkaProducer<String, String> producer(KafkaCredentials credentials, String principal,
                                                          Map<String, Object> more) {
        Map<String, Object> config = client(credentials, principal);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putAll(more);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static void write(String principal, String topic, String value) throws Exception {
        write(broker.credentials(), principal, topic, value);
    }

    private static void write(KafkaCredentials credentials, String principal, String topic, String value)
            throws Exception {
        try (var producer = producer(credentials, principal, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "attacker-group", value)).get(20, TimeUnit.SECONDS);
        }
    }

    private static void assertRefused(String principal, String topic) throws Exception {
        assertRefused(broker.credentials(), principal, topic);
    }

    private static void assertRefused(KafkaCredentials credentials, String principal, String topic) throws Exception {
        long before = endOffsets(topic);
        try (var producer = producer(credentials, principal, Map.of())) {
            Throwable refusal = catchThrowable(() -> producer.send(
                    new ProducerRecord<>(topic, "attacker-group", "{\"forged\": true}")).get(20, TimeUnit.SECONDS));
            // in the future, or (a producer with no WRITE anywhere cannot even start idempotence) from send itself
            assertThat(Stream.iterate(refusal, Objects::nonNull, Throwable::getCause))
                    .as("%s writes %s", principal, topic).anyMatch(AuthorizationException.class::isInstance);
        }
        assertThat(endOffsets(topic)).as("%s on %s", principal, topic).isEqualTo(before);
    }

    /** The sum of the topic's end offsets, read as admin. */
    private static long endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(adminClient())) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get(20, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        }
    }

    private static Map<String, Object> adminClient() {
        return new HashMap<>(client(KafkaAccess.ADMIN));
    }

    /** Every value of the topic, read as the principal reads (assigned partitions, no group). */
    private static List<String> readAll(String principal, String topic) {
        Map<String, Object> config = client(principal);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            // one poll at least: a fetch is what the broker authorizes as READ
            do {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            } while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)));
            return values;
        }
    }
}
