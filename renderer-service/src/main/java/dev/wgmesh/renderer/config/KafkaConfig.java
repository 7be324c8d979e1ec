package dev.wgmesh.renderer.config;

import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.WgmeshTopics;
import dev.wgmesh.renderer.domain.RenderedHosts;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration
class KafkaConfig {

    /** Every service creates every topic, so start order does not matter. */
    @Bean
    KafkaAdmin.NewTopics wgmeshTopics(@Value("${wgmesh.kafka.replication-factor:1}") short replicationFactor) {
        return WgmeshTopics.all(replicationFactor);
    }

    /**
     * Boot's own, but with transaction synchronization on: the listener updates its memory only after
     * its transaction commits (spring-kafka leaves synchronization off by default).
     */
    @Bean
    KafkaTransactionManager<?, ?> kafkaTransactionManager(ProducerFactory<?, ?> producerFactory) {
        var manager = new KafkaTransactionManager<>(producerFactory);
        manager.setTransactionSynchronization(AbstractPlatformTransactionManager.SYNCHRONIZATION_ALWAYS);
        return manager;
    }

    /**
     * The renderer's one error handler. Its listener runs in a Kafka transaction, so a failure rolls the
     * transaction back (no host record of that revision becomes visible) and this processor decides what
     * follows: invalid records go to the DLT at once, in a new transaction together with their consumed
     * offset; anything else (the broker away, say) is retried with growing pauses before it is given up
     * to the DLT. Either way the partition goes on.
     */
    @Bean
    DefaultAfterRollbackProcessor<Object, Object> afterRollbackProcessor(KafkaTemplate<String, byte[]> kafka,
                                                                        MeterRegistry meters) {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(10_000);
        backOff.setMaxElapsedTime(120_000);
        var processor = new DefaultAfterRollbackProcessor<>(new DeadLetters(kafka, meters), backOff, kafka, true);
        DeadLetters.neverRetryInvalidRecords(processor);
        return processor;
    }

    @Bean
    RenderedHosts renderedHosts() {
        return new RenderedHosts();
    }
}
