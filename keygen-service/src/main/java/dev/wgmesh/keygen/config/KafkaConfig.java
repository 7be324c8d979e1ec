package dev.wgmesh.keygen.config;

import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.kafka.TransactionalKafkaConfig;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The shared topics and dead letters, transactions and the one error handler (see TransactionalKafkaConfig). */
@Configuration(proxyBeanMethods = false)
@Import({WgmeshKafkaConfig.class, TransactionalKafkaConfig.class})
class KafkaConfig {

    /** keygen signs the keys topic; it believes config-service's changes (see WgmeshKafkaConfig). */
    @Bean
    Signer signer() {
        return Signer.KEYGEN;
    }
}
