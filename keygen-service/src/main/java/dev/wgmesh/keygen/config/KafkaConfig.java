package dev.wgmesh.keygen.config;

import dev.wgmesh.kafka.TransactionalKafkaConfig;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The shared topics and dead letters, transactions and the one error handler (see TransactionalKafkaConfig). */
@Configuration(proxyBeanMethods = false)
@Import({WgmeshKafkaConfig.class, TransactionalKafkaConfig.class})
class KafkaConfig {
}
