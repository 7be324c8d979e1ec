package dev.wgmesh.keygen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.crypto.X25519Keys;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class KeygenSettingsTest {

    @EnableConfigurationProperties(KeygenSettings.class)
    static class SettingsOnly {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(SettingsOnly.class);

    @Test
    void aMissingDeployerKeyStopsTheStartNamingTheProperty() {
        context.withPropertyValues("wgmesh.deployer-public-key= ").run(started -> {
            assertThat(started).hasFailed();
            assertThat(started.getStartupFailure()).rootCause().hasMessageContaining("wgmesh.deployer-public-key")
                    .hasMessageContaining("is not set");
        });
    }

    @Test
    void anInvalidDeployerKeyStopsTheStartNamingThePropertyAndTheValue() {
        assertThatThrownBy(() -> new KeygenSettings("not-a-key").publicKey())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wgmesh.deployer-public-key")
                .hasMessageContaining("\"not-a-key\"");
    }

    @Test
    void aValidDeployerKeyIsRead() {
        var publicKey = X25519Keys.generate(new SecureRandom()).publicKey();

        context.withPropertyValues("wgmesh.deployer-public-key= " + publicKey.base64() + "\n").run(started ->
                assertThat(started.getBean(KeygenSettings.class).publicKey()).isEqualTo(publicKey));
    }
}
