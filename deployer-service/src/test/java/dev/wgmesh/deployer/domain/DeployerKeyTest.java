package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.deployer.TestGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployerKeyTest {

    @TempDir
    Path dir;

    @Test
    void loadsAKeyAsWgGenkeyWritesIt() throws Exception {
        assertThat(DeployerKey.load(TestGroup.writeDeployerKey(dir).toString()))
                .isEqualTo(TestGroup.DEPLOYER.privateKey());
    }

    @Test
    void failsFastWithAClearMessage() throws Exception {
        assertThatThrownBy(() -> DeployerKey.load(""))
                .hasMessageContaining("wgmesh.deployer-private-key-file (env WGMESH_DEPLOYER_PRIVATE_KEY_FILE) is not set");
        assertThatThrownBy(() -> DeployerKey.load(dir.resolve("missing.key").toString()))
                .hasMessageContaining("does not exist or is not readable");
        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, "almost-a-secret-value\n");
        assertThatThrownBy(() -> DeployerKey.load(bad.toString()))
                .hasMessageContaining("does not hold a WireGuard private key")
                .hasMessageNotContaining("almost-a-secret-value");
    }
}
