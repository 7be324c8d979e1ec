package dev.wgmesh.kafka;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
     * The service's one error handler. Its listener handles a poll in a Kafka transaction ({@link PollBatch}) and
     * dead-letters an invalid record itself, inside it; anything else that fails (the broker away, say) rolls the
     * transaction back, so nothing it sent becomes visible, and this processor fetches the poll again after a pause
     * from 0.5 s doubling up to 10 s, for as long as it fails: a change is never given up because the cluster was
     * away. A bug that fails one record every time holds its partition, logged at each try, rather than lose it.
     */
    @Bean
    DefaultAfterRollbackProcessor<Object, Object> afterRollbackProcessor() {
        var backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(10_000);
        return new DefaultAfterRollbackProcessor<>(backOff);
    }

    @Bean
    PollBatch pollBatch(DeadLetters deadLetters) {
        return new PollBatch(deadLetters);
    }
}
