package dev.wgmesh.keygen.config;

import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.keygen.domain.GroupKeyring;
import dev.wgmesh.keygen.domain.KeyedGroups;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class KeygenConfig {

    static final String DEPLOYER_PUBLIC_KEY = "wgmesh.deployer-public-key";

    @Bean
    GroupKeyring groupKeyring(@Value("${" + DEPLOYER_PUBLIC_KEY + ":}") String deployerPublicKey) {
        return new GroupKeyring(new SecureRandom(), deployerKey(deployerPublicKey), Clock.systemUTC());
    }

    @Bean
    KeyedGroups keyedGroups() {
        return new KeyedGroups();
    }

    /** Fails the start: without the deployers' key keygen could only publish secrets nobody can open. */
    static PublicKey deployerKey(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalStateException("property " + DEPLOYER_PUBLIC_KEY + " (env WGMESH_DEPLOYER_PUBLIC_KEY) is not set:"
                    + " give the deployers' X25519 public key in base64");
        }
        try {
            return PublicKey.parse(base64.strip());
        } catch (InvalidValueException e) {
            throw new IllegalStateException("property " + DEPLOYER_PUBLIC_KEY + " (env WGMESH_DEPLOYER_PUBLIC_KEY) is invalid: "
                    + e.getMessage(), e);
        }
    }
}
