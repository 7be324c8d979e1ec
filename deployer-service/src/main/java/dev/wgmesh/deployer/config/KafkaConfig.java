package dev.wgmesh.deployer.config;

import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.WgmeshTopics;
import dev.wgmesh.common.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/** Topics (every service declares them all) and the one error handler: invalid records go to the DLT at once. */
@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    @Bean
    KafkaAdmin.NewTopics wgmeshTopics(@Value("${wgmesh.kafka.replication-factor:1}") short replicationFactor) {
        return WgmeshTopics.all(replicationFactor);
    }

    /**
     * The deployer's one error handler: invalid records go to the DLT at once, counted; anything else (a
     * report the broker does not take, say) is retried with growing pauses first. The partition goes on.
     * The deployer needs no transactions: applying the same content twice changes nothing, and its
     * consumer reads only committed records (isolation.level=read_committed).
     */
    @Bean
    DefaultErrorHandler errorHandler(KafkaTemplate<String, byte[]> template, MeterRegistry meters) {
        ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(6);
        backOff.setInitialInterval(500);
        backOff.setMultiplier(2);
        backOff.setMaxInterval(10_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(new DeadLetters(template, meters), backOff);
        DeadLetters.neverRetryInvalidRecords(handler);
        return handler;
    }
}
