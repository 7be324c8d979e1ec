package dev.wgmesh.deployer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.deployer.TestGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "wgmesh.replica=replica-a",
        "wgmesh.listener-concurrency=2"})
@EmbeddedKafka // spring-kafka 4 runs KRaft brokers only, so there is no kraft attribute any more
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
        kafka.send(CloudEvents.tombstone(Topics.HOST_CONFIG_RENDERED, "alpha/h3", leaving, "/wgmesh/test")).get();

        DeploymentReported removed = reader.awaitReports(reports -> reports.stream()
                .anyMatch(r -> r.outcome() == Outcome.REMOVED && r.host().equals(group.host(3))))
                .stream().filter(r -> r.outcome() == Outcome.REMOVED && r.group().equals(group.group)).findFirst().orElseThrow();
        assertThat(removed.revision()).isEqualTo(2);
        assertThat(removed.correlationId()).isEqualTo(leaving.correlationId());
        assertThat(OUT.resolve("alpha/h3")).doesNotExist();
        assertThat(OUT.resolve("alpha/h1/wg-1.conf")).exists();
    }

    @Test
    void aRecordThatIsNotJsonGoesToTheDeadLetterTopicAndTheNextIsApplied() throws Exception {
        TestGroup group = new TestGroup("beta", 2);
        kafka.send(new ProducerRecord<>(Topics.HOST_CONFIG_RENDERED, "beta/h1",
                "this is not json".getBytes(StandardCharsets.UTF_8))).get();
        HostConfigRendered next = group.render(1).get(group.host(1));
        send(next);

        ConsumerRecord<String, byte[]> dead = reader.awaitDeadLetter("beta/h1");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("this is not json");
        assertThat(CloudEvents.header(dead.headers(), "kafka_dlt-exception-message")).contains("not a valid HostConfigRendered");
        reader.awaitReports(reports -> reports.stream().anyMatch(r -> r.group().equals(group.group)
                && r.host().equals(group.host(1)) && r.outcome() == Outcome.APPLIED));
        assertThat(OUT.resolve("beta/h1/wg-1.conf")).exists();
    }

    private void send(HostConfigRendered record) throws Exception {
        kafka.send(CloudEvents.record(Topics.HOST_CONFIG_RENDERED, HostConfigRendered.key(record.group(), record.host()),
                record, "/wgmesh/test")).get();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("wgmesh-deployer-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
