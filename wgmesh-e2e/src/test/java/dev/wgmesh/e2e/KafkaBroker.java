package dev.wgmesh.e2e;

import dev.wgmesh.common.events.Topics;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for the end-to-end tests: a Testcontainers apache/kafka container where a Docker
 * engine runs, otherwise spring-kafka-test's KRaft broker inside this JVM. Never skipped.
 */
public final class KafkaBroker implements AutoCloseable {

    private final KafkaContainer container;
    private final EmbeddedKafkaKraftBroker embedded;
    private final String bootstrapServers;

    private KafkaBroker(KafkaContainer container, EmbeddedKafkaKraftBroker embedded, String bootstrapServers) {
        this.container = container;
        this.embedded = embedded;
        this.bootstrapServers = bootstrapServers;
    }

    public static KafkaBroker start() {
        if (dockerAvailable()) {
            KafkaContainer container = new KafkaContainer("apache/kafka:4.1.1")
                    .withEnv("KAFKA_MESSAGE_MAX_BYTES", String.valueOf(Topics.MAX_MESSAGE_BYTES));
            container.start();
            System.out.println("[e2e] Kafka broker: Testcontainers " + container.getBootstrapServers());
            return new KafkaBroker(container, null, container.getBootstrapServers());
        }
        EmbeddedKafkaKraftBroker embedded = new EmbeddedKafkaKraftBroker(1, 1);
        embedded.brokerProperty("message.max.bytes", String.valueOf(Topics.MAX_MESSAGE_BYTES));
        // one broker: Kafka transactions need their state log to fit on it
        embedded.brokerProperty("transaction.state.log.replication.factor", "1");
        embedded.brokerProperty("transaction.state.log.min.isr", "1");
        embedded.afterPropertiesSet();
        System.out.println("[e2e] Kafka broker: embedded KRaft broker " + embedded.getBrokersAsString()
                + " (no Docker engine here)");
        return new KafkaBroker(null, embedded, embedded.getBrokersAsString());
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        if (container != null) {
            container.stop();
        }
        if (embedded != null) {
            embedded.destroy();
        }
    }
}
