package dev.wgmesh.deployer.config;

import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/** The shared topics and dead letters, and the deployer's one error handler. */
@Configuration(proxyBeanMethods = false)
@Import(WgmeshKafkaConfig.class)
class KafkaConfig {

    /**
     * The deployer's one error handler: invalid records go to the DLT at once, counted; anything else (a
     * report the broker does not take, say) is retried with growing pauses first. The partition goes on.
     * The deployer needs no transactions: applying the same content twice changes nothing, and its
     * consumer reads only committed records (isolation.level=read_committed).
     */
    @Bean
    DefaultErrorHandler errorHandler(DeadLetters deadLetters) {
        ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(6);
        backOff.setInitialInterval(500);
        backOff.setMultiplier(2);
        backOff.setMaxInterval(10_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, backOff);
        DeadLetters.neverRetryInvalidRecords(handler);
        return handler;
    }
}
