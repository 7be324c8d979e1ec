package dev.wgmesh.config.messaging;

import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.WgmeshTopics;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.config.domain.GroupService;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.StatusBoard;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/** Topics, the one error handler, and the domain objects wired to Kafka. */
@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    /** Every service declares every topic, so start order does not matter. */
    @Bean
    KafkaAdmin.NewTopics wgmeshTopics(@Value("${wgmesh.kafka.replication-factor:1}") short replicationFactor) {
        return WgmeshTopics.all(replicationFactor);
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
        DeadLetters.neverRetryInvalidRecords(handler);
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
