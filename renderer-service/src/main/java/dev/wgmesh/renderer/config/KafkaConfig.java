package dev.wgmesh.renderer.config;

import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.kafka.TransactionalKafkaConfig;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import dev.wgmesh.renderer.domain.RenderedHosts;
import dev.wgmesh.renderer.domain.StagedGroups;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The shared topics and dead letters, transactions and the one error handler (see
 * TransactionalKafkaConfig), and the memory of what was published.
 */
@Configuration(proxyBeanMethods = false)
@Import({WgmeshKafkaConfig.class, TransactionalKafkaConfig.class})
class KafkaConfig {

    /** The renderer signs host configs and peer tables; it believes keygen's keys and its own topics. */
    @Bean
    Signer signer() {
        return Signer.RENDERER;
    }

    @Bean
    RenderedHosts renderedHosts() {
        return new RenderedHosts();
    }

    @Bean
    StagedGroups stagedGroups() {
        return new StagedGroups();
    }
}
