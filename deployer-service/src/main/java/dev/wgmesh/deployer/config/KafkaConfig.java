package dev.wgmesh.deployer.config;

import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.kafka.ErrorHandlerConfig;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The shared topics and dead letters, and the one error handler (see ErrorHandlerConfig). The deployer
 * needs no transactions: applying the same content twice changes nothing, and its consumer reads only
 * committed records (isolation.level=read_committed).
 */
@Configuration(proxyBeanMethods = false)
@Import({WgmeshKafkaConfig.class, ErrorHandlerConfig.class})
class KafkaConfig {

    /** Deployers sign their reports; they believe only the renderer's host configs and peer tables. */
    @Bean
    Signer signer() {
        return Signer.DEPLOYER;
    }
}
