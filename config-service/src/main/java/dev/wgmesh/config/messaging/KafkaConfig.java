package dev.wgmesh.config.messaging;

import dev.wgmesh.config.domain.GroupService;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.StatusBoard;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/** The shared topics and dead letters, the one error handler, and the domain objects wired to Kafka. */
@Configuration(proxyBeanMethods = false)
@Import(WgmeshKafkaConfig.class)
class KafkaConfig {

    /**
     * Unreadable records go to the topic's DLT at once, counted in wgmesh.dead.letters (GET
     * /actuator/metrics/wgmesh.dead.letters); anything else is retried with back-off first.
     */
    @Bean
    DefaultErrorHandler errorHandler(DeadLetters deadLetters) {
        var backOff = new ExponentialBackOffWithMaxRetries(6);
        backOff.setInitialInterval(500);
        backOff.setMultiplier(2);
        backOff.setMaxInterval(10_000);
        var handler = new DefaultErrorHandler(deadLetters, backOff);
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
