package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedTopicReaderTest {

    @Test
    void itsAdminClientConnectsAsItsConsumerDoesWithoutTheConsumersOwnSettings() {
        Map<String, Object> consumer = Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", "x", "ssl.truststore.location", "/t",
                "group.id", "g", "isolation.level", "read_committed", "key.deserializer", "k");

        assertThat(SignedTopicReader.adminSettings(consumer)).containsOnlyKeys("bootstrap.servers", "security.protocol",
                "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.location");
    }
}
