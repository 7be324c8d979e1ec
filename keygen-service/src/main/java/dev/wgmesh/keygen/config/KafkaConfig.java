package dev.wgmesh.keygen.config;

import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.TransactionalKafkaConfig;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
@Import({WgmeshKafkaConfig.class, TransactionalKafkaConfig.class})
class KafkaConfig {

    /**
     * keygen's one error handler. Its listener runs in a Kafka transaction, so a failure rolls the
     * transaction back and this processor decides what follows: invalid records go to the DLT at once,
     * in a new transaction together with their consumed offset; anything else (the broker away, say) is
     * retried with growing pauses before it is given up to the DLT. Either way the partition goes on.
     */
    @Bean
    DefaultAfterRollbackProcessor<Object, Object> afterRollbackProcessor(KafkaTemplate<String, byte[]> template,
                                                                        DeadLetters deadLetters) {
        var backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(300_000);
        var processor = new DefaultAfterRollbackProcessor<>(deadLetters, backOff, template, true);
        DeadLetters.neverRetryInvalidRecords(processor);
        return processor;
    }
}
