package dev.wgmesh.keygen.config;

import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.common.wireguard.PublicKey;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of keygen-service, checked at start.
 *
 * @param deployerPublicKey {@code wgmesh.deployer-public-key} (env WGMESH_DEPLOYER_PUBLIC_KEY): the deployers'
 *                          X25519 public key in base64, which every secret is sealed to; without it keygen could
 *                          only publish secrets nobody can open, so it does not start
 */
@ConfigurationProperties("wgmesh")
@Validated
record KeygenSettings(@NotBlank(message = "is not set (env WGMESH_DEPLOYER_PUBLIC_KEY): give the deployers' X25519"
        + " public key in base64") String deployerPublicKey) {

    /** The key, parsed; a value that is no key stops the start naming the property and quoting the value. */
    PublicKey publicKey() {
        try {
            return PublicKey.parse(deployerPublicKey.strip());
        } catch (InvalidValueException e) {
            throw new IllegalStateException("property wgmesh.deployer-public-key (env WGMESH_DEPLOYER_PUBLIC_KEY) is invalid: "
                    + e.getMessage(), e);
        }
    }
}
