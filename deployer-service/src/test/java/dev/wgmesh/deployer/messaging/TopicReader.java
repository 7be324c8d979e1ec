package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the reports, the health and the dead-letter topic from the beginning and waits for what a test expects. The
 * module's test classes share the broker: a test looks for the records of its own groups.
 */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    TopicReader(String brokers) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.DEPLOYMENT_REPORTED, Topics.HOST_HEALTH_REPORTED,
                Topics.deadLetter(Topics.HOST_CONFIG_RENDERED)));
    }

    List<DeploymentReported> awaitReports(Predicate<List<DeploymentReported>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (done.test(reports())) {
                return reports();
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        throw new AssertionError("reports not seen in time; got " + reports());
    }

    List<HostHealthReported> awaitHealth(Predicate<List<HostHealthReported>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (done.test(health())) {
                return health();
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        throw new AssertionError("health not seen in time; got " + health());
    }

    List<HostHealthReported> health() {
        return seen.stream().filter(r -> r.topic().equals(Topics.HOST_HEALTH_REPORTED))
                .map(r -> EventJson.read(r.value(), HostHealthReported.class)).toList();
    }

    /** Reads on for a while, for tests that something does not happen. */
    void readFor(Duration time) {
        long deadline = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
    }

    ConsumerRecord<String, byte[]> awaitDeadLetter(String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : seen) {
                if (record.topic().endsWith("-dlt") && key.equals(record.key())) {
                    return record;
                }
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        throw new AssertionError("no dead letter with key " + key);
    }

    List<DeploymentReported> reports() {
        return seen.stream().filter(r -> r.topic().equals(Topics.DEPLOYMENT_REPORTED))
                .map(r -> EventJson.read(r.value(), DeploymentReported.class)).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
