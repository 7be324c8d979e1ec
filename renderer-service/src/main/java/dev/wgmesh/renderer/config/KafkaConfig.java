package dev.wgmesh.renderer.config;

import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.TransactionalKafkaConfig;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import dev.wgmesh.renderer.domain.RenderedHosts;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration
@Import({WgmeshKafkaConfig.class, TransactionalKafkaConfig.class})
class KafkaConfig {

    /**
     * The renderer's one error handler. Its listener runs in a Kafka transaction, so a failure rolls the
     * transaction back (no host record of that revision becomes visible) and this processor decides what
     * follows: invalid records go to the DLT at once, in a new transaction together with their consumed
     * offset; anything else (the broker away, say) is retried with growing pauses before it is given up
     * to the DLT. Either way the partition goes on.
     */
    @Bean
    DefaultAfterRollbackProcessor<Object, Object> afterRollbackProcessor(KafkaTemplate<String, byte[]> kafka,
                                                                        DeadLetters deadLetters) {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(10_000);
        backOff.setMaxElapsedTime(120_000);
        var processor = new DefaultAfterRollbackProcessor<>(deadLetters, backOff, kafka, true);
        DeadLetters.neverRetryInvalidRecords(processor);
        return processor;
    }

    @Bean
    RenderedHosts renderedHosts() {
        return new RenderedHosts();
    }
}
