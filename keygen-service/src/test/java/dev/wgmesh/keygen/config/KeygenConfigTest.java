package dev.wgmesh.keygen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.crypto.X25519Keys;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class KeygenConfigTest {

    @Test
    void aMissingDeployerKeyStopsTheStartNamingTheProperty() {
        assertThatThrownBy(() -> KeygenConfig.deployerKey(""))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wgmesh.deployer-public-key")
                .hasMessageContaining("not set");
    }

    @Test
    void anInvalidDeployerKeyStopsTheStartNamingThePropertyAndTheValue() {
        assertThatThrownBy(() -> KeygenConfig.deployerKey("not-a-key"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wgmesh.deployer-public-key")
                .hasMessageContaining("\"not-a-key\"");
    }

    @Test
    void aValidDeployerKeyIsRead() {
        var publicKey = X25519Keys.generate(new SecureRandom()).publicKey();

        assertThat(KeygenConfig.deployerKey(" " + publicKey.base64() + "\n")).isEqualTo(publicKey);
    }
}
