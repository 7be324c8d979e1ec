package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.config.domain.GroupService;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.StatusBoard;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import tools.jackson.core.JacksonException;

/** Topics, the one error handler, and the domain objects wired to Kafka. */
@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    /** Every service declares every topic, so start order does not matter. */
    @Bean
    KafkaAdmin.NewTopics wgmeshTopics(@Value("${wgmesh.kafka.replication-factor:1}") short replicationFactor) {
        return new KafkaAdmin.NewTopics(Topics.ALL.stream()
                .map(topic -> TopicBuilder.name(topic.name())
                        .partitions(topic.partitions())
                        .replicas(replicationFactor)
                        .config(TopicConfig.CLEANUP_POLICY_CONFIG, topic.compacted()
                                ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE)
                        .config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_MESSAGE_BYTES))
                        .build())
                .toArray(NewTopic[]::new));
    }

    /**
     * Unreadable records go to the topic's DLT at once, counted in wgmesh.dead.letters (GET
     * /actuator/metrics/wgmesh.dead.letters); anything else is retried with back-off first.
     */
    @Bean
    DefaultErrorHandler errorHandler(KafkaTemplate<String, byte[]> template, MeterRegistry meters) {
        var recoverer = new DeadLetters(template, meters);
        var backOff = new ExponentialBackOffWithMaxRetries(6);
        backOff.setInitialInterval(500);
        backOff.setMultiplier(2);
        backOff.setMaxInterval(10_000);
        var handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(InvalidEventException.class, IllegalArgumentException.class,
                InvalidValueException.class, JacksonException.class);
        return handler;
    }

    @Bean
    GroupStore groupStore() {
        return new GroupStore();
    }

    @Bean
    StatusBoard statusBoard() {
        return new StatusBoard();
    }

    @Bean
    GroupService groupService(GroupStore store) {
        return new GroupService(store, Clock.systemUTC());
    }
}
