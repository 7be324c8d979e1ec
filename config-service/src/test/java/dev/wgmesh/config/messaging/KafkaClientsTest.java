package dev.wgmesh.config.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.kafka.AssignedConsumer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/** TLS and SASL settings given as spring.kafka.* reach the clients the service makes itself. */
class KafkaClientsTest {

    private static final Map<String, String> SECURE = Map.of(
            "spring.kafka.bootstrap-servers", "kafka:9093",
            "spring.kafka.security.protocol", "SASL_SSL",
            "spring.kafka.ssl.trust-store-type", "PKCS12",
            "spring.kafka.ssl.trust-store-password", "changeit",
            "spring.kafka.properties[sasl.mechanism]", "SCRAM-SHA-512",
            "spring.kafka.properties[sasl.jaas.config]",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"wgmesh\" password=\"pw\";");

    private final KafkaProperties properties = new Binder(new MapConfigurationPropertySource(SECURE))
            .bind("spring.kafka", KafkaProperties.class).get();

    @Test
    void everyOwnClientGetsTheSecuritySettings() {
        var producers = (DefaultKafkaProducerFactory<String, byte[]>) KafkaClients.transactionalProducer(properties,
                new TopicNames("team-a."), "config-2");
        for (Map<String, Object> config : java.util.List.of(
                AssignedConsumer.settings(properties.buildConsumerProperties(), "test"),
                producers.getConfigurationProperties())) {
            assertThat(config).containsEntry("bootstrap.servers", java.util.List.of("kafka:9093"))
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("ssl.truststore.type", "PKCS12")
                    .containsEntry("ssl.truststore.password", "changeit")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsKey("sasl.jaas.config");
        }
        assertThat(producers.getTransactionIdPrefix()).isEqualTo("team-a.wgmesh-config-config-2-");
    }
}
