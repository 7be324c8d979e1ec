package dev.wgmesh.keygen.config;

import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.core.JacksonException;

@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfig.class);

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

    /**
     * Invalid records go to the dead-letter topic at once, with the reason in its headers; anything
     * else (the broker away, say) is retried with growing pauses before it is given up.
     */
    @Bean
    DefaultErrorHandler errorHandler(KafkaTemplate<String, byte[]> template) {
        var recoverer = new DeadLetterPublishingRecoverer(template,
                (record, e) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        var backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(300_000);
        var handler = new DefaultErrorHandler((record, e) -> {
            Throwable reason = e.getCause() != null ? e.getCause() : e;
            log.warn("sending {}-{}@{} to the dead-letter topic: {}", record.topic(), record.partition(), record.offset(),
                    reason.getMessage());
            recoverer.accept(record, e);
        }, backOff);
        handler.addNotRetryableExceptions(InvalidEventException.class, IllegalArgumentException.class,
                InvalidValueException.class, JacksonException.class);
        return handler;
    }
}
