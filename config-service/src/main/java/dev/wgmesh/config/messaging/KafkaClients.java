package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.TopicNames;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Settings for the clients this service makes itself. They start from Spring Boot's
 * {@code spring.kafka.*} properties, so bootstrap servers, TLS ({@code spring.kafka.ssl.*}) and SASL
 * ({@code spring.kafka.security.protocol}, {@code spring.kafka.properties[sasl.*]}) reach them as they
 * reach Spring's own clients.
 */
final class KafkaClients {

    private KafkaClients() {
    }

    /**
     * The producer of the replica that decides changes. Transactional, so a replica that lost its
     * partitions (a zombie) cannot commit: its offsets go with the consumer group's generation.
     */
    static ProducerFactory<String, byte[]> transactionalProducer(KafkaProperties properties, TopicNames names,
                                                                 String instanceId) {
        Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        // a replica that dies inside a transaction holds up readers of the changed-topic this long at most
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        var factory = new DefaultKafkaProducerFactory<String, byte[]>(config);
        // the group's generation fences zombies; an id kept across restarts also aborts a dead replica's open
        // transaction as soon as it is back
        factory.setTransactionIdPrefix(names.of("wgmesh-config-") + instanceId + "-");
        return factory;
    }
}
