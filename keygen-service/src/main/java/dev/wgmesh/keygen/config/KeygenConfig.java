package dev.wgmesh.keygen.config;

import dev.wgmesh.keygen.domain.GroupKeyring;
import dev.wgmesh.keygen.domain.KeyedGroups;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KeygenSettings.class)
class KeygenConfig {

    @Bean
    GroupKeyring groupKeyring(KeygenSettings settings) {
        return new GroupKeyring(new SecureRandom(), settings.publicKey(), Clock.systemUTC());
    }

    @Bean
    KeyedGroups keyedGroups() {
        return new KeyedGroups();
    }
}
