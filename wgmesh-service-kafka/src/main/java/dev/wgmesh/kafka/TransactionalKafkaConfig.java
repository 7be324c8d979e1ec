package dev.wgmesh.kafka;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.util.backoff.ExponentialBackOff;

/** For the services that consume, transform and produce in one Kafka transaction (keygen, renderer). */
@Configuration(proxyBeanMethods = false)
public class TransactionalKafkaConfig {

    /**
     * Boot's own, but with transaction synchronization on: a listener updates its memory only after its
     * transaction commits (spring-kafka leaves synchronization off by default).
     */
    @Bean
    KafkaTransactionManager<?, ?> kafkaTransactionManager(ProducerFactory<?, ?> producerFactory) {
        var manager = new KafkaTransactionManager<>(producerFactory);
        manager.setTransactionSynchronization(AbstractPlatformTransactionManager.SYNCHRONIZATION_ALWAYS);
        return manager;
    }

    /**
     * The service's one error handler. Its listener runs in a Kafka transaction, so a failure rolls the
     * transaction back (nothing it sent becomes visible) and this processor decides what follows: invalid
     * records go to the DLT at once, in a new transaction together with their consumed offset; anything
     * else (the broker away, say) is retried with pauses from 0.5 s doubling up to 10 s for 5 minutes
     * before it is given up to the DLT. Either way the partition goes on.
     */
    @Bean
    DefaultAfterRollbackProcessor<Object, Object> afterRollbackProcessor(KafkaTemplate<String, byte[]> template,
                                                                        DeadLetters deadLetters) {
        var backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(10_000);
        backOff.setMaxElapsedTime(300_000);
        var processor = new DefaultAfterRollbackProcessor<>(deadLetters, backOff, template, true);
        DeadLetters.neverRetryInvalidRecords(processor);
        return processor;
    }
}
