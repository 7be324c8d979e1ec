package dev.wgmesh.kafka;

import dev.wgmesh.common.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/** The Kafka wiring every service imports: the client settings file, all topics declared, and the dead-letter recoverer. */
@Configuration(proxyBeanMethods = false)
public class WgmeshKafkaConfig {

    /** Static: it post-processes Boot's KafkaProperties before any client is made from them. */
    @Bean
    static KafkaClientFile kafkaClientFile(Environment environment) {
        return new KafkaClientFile(environment.getProperty(KafkaClientFile.PROPERTY, ""));
    }

    /**
     * Every service declares every topic, so start order does not matter. On a locked broker the launcher
     * created them all before (the services may only describe them), so KafkaAdmin finds them and creates nothing.
     */
    @Bean
    KafkaAdmin.NewTopics wgmeshTopics(@Value("${wgmesh.kafka.replication-factor:1}") short replicationFactor) {
        return new KafkaAdmin.NewTopics(newTopics(replicationFactor).toArray(NewTopic[]::new));
    }

    /** Every wgmesh topic with its partitions, cleanup policy and record size. */
    static List<NewTopic> newTopics(short replicationFactor) {
        return Topics.ALL.stream()
                .map(spec -> new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        spec.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_MESSAGE_BYTES))))
                .toList();
    }

    @Bean
    DeadLetters deadLetters(KafkaTemplate<String, byte[]> template, MeterRegistry meters) {
        return new DeadLetters(template, meters);
    }
}
