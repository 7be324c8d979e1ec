package dev.wgmesh.config.messaging;

import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.config.ConfigSettings;
import dev.wgmesh.config.domain.GroupService;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.HealthBoard;
import dev.wgmesh.config.domain.Quotas;
import dev.wgmesh.config.domain.RolloutDecisions;
import dev.wgmesh.config.domain.RolloutGate;
import dev.wgmesh.config.domain.StatusBoard;
import dev.wgmesh.kafka.ErrorHandlerConfig;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The shared topics and dead letters, the one error handler (see ErrorHandlerConfig), and the domain
 * objects wired to Kafka.
 */
@Configuration(proxyBeanMethods = false)
@Import({WgmeshKafkaConfig.class, ErrorHandlerConfig.class})
@EnableConfigurationProperties(ConfigSettings.class)
class KafkaConfig {

    /** config-service signs changes and answers; it believes keygen's keys and the deployers' reports. */
    @Bean
    Signer signer() {
        return Signer.CONFIG;
    }

    @Bean
    GroupStore groupStore() {
        return new GroupStore();
    }

    /** The one clock of key ages, schedules and request deadlines; tests give their own. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    StatusBoard statusBoard(Clock clock) {
        return new StatusBoard(clock);
    }

    @Bean
    HealthBoard healthBoard() {
        return new HealthBoard();
    }

    @Bean
    Quotas quotas(ConfigSettings settings) {
        return settings.quotas();
    }

    @Bean
    RolloutGate rolloutGate(StatusBoard status, HealthBoard health) {
        return new RolloutGate(status, health);
    }

    @Bean
    GroupService groupService(GroupStore store, Quotas quotas, Clock clock, RolloutGate gate) {
        return new GroupService(store, clock, quotas, new RolloutDecisions(store, gate, clock));
    }
}
