package dev.wgmesh.kafka;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;

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
}
