package dev.wgmesh.kafka;

import dev.wgmesh.common.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/** The Kafka wiring every service imports: all topics declared, and the dead-letter recoverer. */
@Configuration(proxyBeanMethods = false)
public class WgmeshKafkaConfig {

    /** Every service creates every topic, so start order does not matter. */
    @Bean
    KafkaAdmin.NewTopics wgmeshTopics(@Value("${wgmesh.kafka.replication-factor:1}") short replicationFactor) {
        return new KafkaAdmin.NewTopics(Topics.ALL.stream()
                .map(spec -> new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        spec.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_MESSAGE_BYTES))))
                .toArray(NewTopic[]::new));
    }

    @Bean
    DeadLetters deadLetters(KafkaTemplate<String, byte[]> template, MeterRegistry meters) {
        return new DeadLetters(template, meters);
    }
}
